// nuxt-auth-utils' own routes check and end sessions server-side too: GET /api/_auth/session answers 401 for
// a session the database no longer accepts (its `fetch` hook runs only there), and clearing a session
// (POST /api/auth/logout, DELETE /api/_auth/session) revokes it.
export default defineNitroPlugin(() => {
  sessionHooks.hook('fetch', async (session, event) => {
    if (!session.user?.id || !session.id) return
    if (!await isSessionActive({ id: session.id, user: session.user })) throw sessionEnded(event)
  })
  sessionHooks.hook('clear', async (data, event) => {
    if (!data.user) return
    // The hook gets the data only; the id is the session's, still in the request's context here.
    const { id } = await getUserSession(event)
    if (id) await revokeSession(id)
  })
})
