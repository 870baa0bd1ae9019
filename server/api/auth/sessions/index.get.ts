import type { GetSessionsResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Auth'],
    operationId: 'listSessions',
    summary: 'List your signed-in sessions',
    description: 'Every session of the signed-in user that can still be used (not signed out, not idle for longer than NUXT_SESSION_IDLE_TIMEOUT, younger than NUXT_SESSION_MAX_AGE), most recently used first; `current` marks the one making the request.',
    security: [{ session: [] }],
    responses: {
      200: { description: 'The sessions.', content: { 'application/json': { schema: { type: 'object', required: ['sessions'], additionalProperties: false, properties: { sessions: { type: 'array', items: { type: 'object', required: ['id', 'created_at', 'last_seen_at', 'user_agent', 'client_address', 'current'], additionalProperties: false, properties: { id: { type: 'string' }, created_at: { type: 'string', format: 'date-time' }, last_seen_at: { type: 'string', format: 'date-time', description: 'Recorded at most once a minute.' }, user_agent: { type: 'string', description: 'As sent at sign-in, at most 256 characters.' }, client_address: { type: 'string', description: 'The client address at sign-in.' }, current: { type: 'boolean', description: 'The session making this request.' } } } } } } } } },
      401: { $ref: '#/components/responses/Unauthorized' },
      500: { $ref: '#/components/responses/ServerError' },
      503: { description: 'The database cannot be reached; retry after the seconds in Retry-After.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 503, statusMessage: 'Service Unavailable', data: { message: 'The service is temporarily unavailable; please retry shortly' } } } } },
    },
  },
})

export default defineEventHandler(async (event) => {
  const session = await requireSession(event)

  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { sessions: await listActiveSessions(session) } satisfies GetSessionsResponse
})
