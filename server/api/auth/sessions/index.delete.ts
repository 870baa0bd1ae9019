import type { RevokedSessionsResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'signOutEverywhere', tag: 'Auth', summary: 'Sign out everywhere', description: 'Ends every session of yours, this one included, and expires the cookie.',
  responses: { 200: { schema: apiSchemas.RevokedSessionsResponse, description: 'Signed out everywhere; the cookie is cleared.' } } })

export default defineEventHandler(async (event) => {
  const session = await requireSession(event)

  const revoked = await revokeUserSessions(session.user.id)
  await clearUserSession(event)
  deleteCookie(event, sessionCookieName, useRuntimeConfig(event).session.cookie || undefined)
  return { revoked } satisfies RevokedSessionsResponse
})
