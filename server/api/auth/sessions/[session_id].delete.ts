// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Auth'],
    operationId: 'revokeSession',
    summary: 'Sign out one session',
    description: 'Ends one of the signed-in user\'s sessions (an id from GET /api/auth/sessions), for example a device left signed in. Ending the current session signs this client out like POST /api/auth/logout.',
    parameters: [
      { name: 'session_id', in: 'path', required: true, description: 'The session\'s id, as GET /api/auth/sessions lists it.', schema: { type: 'string' } },
    ],
    security: [{ session: [] }],
    responses: {
      204: { description: 'The session is ended.' },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      403: { description: 'A browser marked the request as coming from another site (Origin, Sec-Fetch-Site).', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 403, statusMessage: 'Forbidden', data: { message: 'Cross-site requests are not accepted' } } } } },
      404: { description: 'No such session of yours that is still active.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 404, statusMessage: 'Not Found', data: { message: 'Session not found' } } } } },
      500: { $ref: '#/components/responses/ServerError' },
      503: { description: 'The database cannot be reached; retry after the seconds in Retry-After.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 503, statusMessage: 'Service Unavailable', data: { message: 'The service is temporarily unavailable; please retry shortly' } } } } },
    },
  },
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
