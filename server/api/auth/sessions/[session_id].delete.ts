export const openapi = defineOperation({
  id: 'revokeSession', tag: 'Auth', summary: 'Sign out one session', params: sessionRouteParams, errors: [sessionNotFound],
  description: 'Ends one of your sessions (an id from GET /api/auth/sessions); ending the current one signs this client out.', responses: { 204: 'Ended.' } })

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
