export const openapi = defineOperation({
  id: 'revokeSession', tag: 'Auth', summary: 'Sign out one session', params: sessionRouteParams,
  description: 'Ends one of your sessions (an id from GET /api/auth/sessions). Ending the current one signs this client out like POST /api/auth/logout.',
  responses: { 204: 'The session is ended.' }, errors: [sessionNotFound],
})

export default defineEventHandler(async (event) => {
  const session = await requireSession(event)
  const { session_id } = await getValidatedRouterParams(event, sessionRouteParams.parse)

  if (!await revokeSessionOfUser(session.user.id, session_id)) throw sessionNotFound()
  if (session_id === session.id) {
    await clearUserSession(event)
    deleteCookie(event, sessionCookieName, useRuntimeConfig(event).session.cookie || undefined)
  }
  setResponseStatus(event, 204)
  return null
})
