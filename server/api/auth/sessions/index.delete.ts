import type { RevokedSessionsResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Auth'],
    operationId: 'signOutEverywhere',
    summary: 'Sign out everywhere',
    description: 'Ends every session of the signed-in user, this one included, on every device, and expires the `neptun-session` cookie. Copies of any of those cookies get 401 from then on.',
    security: [{ session: [] }],
    responses: {
      200: { description: 'Signed out everywhere; the cookie is cleared.', content: { 'application/json': { schema: { type: 'object', required: ['revoked'], additionalProperties: false, properties: { revoked: { type: 'integer', description: 'How many sessions ended.' } } } } } },
      401: { $ref: '#/components/responses/Unauthorized' },
      403: { description: 'A browser marked the request as coming from another site (Origin, Sec-Fetch-Site).', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 403, statusMessage: 'Forbidden', data: { message: 'Cross-site requests are not accepted' } } } } },
      500: { $ref: '#/components/responses/ServerError' },
      503: { description: 'The database cannot be reached; retry after the seconds in Retry-After.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 503, statusMessage: 'Service Unavailable', data: { message: 'The service is temporarily unavailable; please retry shortly' } } } } },
    },
  },
})

export default defineEventHandler(async (event) => {
  const session = await requireSession(event)

  const revoked = await revokeUserSessions(session.user.id)
  await clearUserSession(event)
  deleteCookie(event, sessionCookieName, useRuntimeConfig(event).session.cookie || undefined)
  return { revoked } satisfies RevokedSessionsResponse
})
