// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Auth'],
    operationId: 'changePassword',
    summary: 'Change your password',
    description: 'Checks the current password, sets the new one and ends every other session of the user; this session stays signed in. Wrong current passwords count against the same allowance as failed sign-ins (NUXT_THROTTLE_ACCOUNT_* and NUXT_THROTTLE_ADDRESS_*).',
    security: [{ session: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['current_password', 'new_password'], properties: { current_password: { type: 'string' }, new_password: { type: 'string', description: 'At least 10 characters, at least 5 of them different, at most 1024.' } } } } } },
    responses: {
      204: { description: 'Password changed; every other session is ended.' },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      403: { description: 'The current password is not correct (or the request came from another site).', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 403, statusMessage: 'Forbidden', data: { message: 'The current password is not correct' } } } } },
      413: { description: 'The body is larger than NUXT_JSON_BODY_LIMIT.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 413, statusMessage: 'Payload Too Large', data: { message: 'The request body is larger than the limit of 64 KiB' } } } } },
      415: { description: 'The body is not application/json.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 415, statusMessage: 'Unsupported Media Type', data: { message: 'Send the body as JSON, with Content-Type: application/json' } } } } },
      429: { description: 'Too many failed attempts from this address (for this account, or for any); nothing was checked. Retry after the seconds in Retry-After.', headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 429, statusMessage: 'Too Many Requests', data: { message: 'Too many attempts; try again in 15 minutes' } } } } },
      500: { $ref: '#/components/responses/ServerError' },
      503: { description: 'The database cannot be reached; retry after the seconds in Retry-After.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 503, statusMessage: 'Service Unavailable', data: { message: 'The service is temporarily unavailable; please retry shortly' } } } } },
    },
  },
})

export default defineEventHandler(async (event) => {
  const session = await requireSession(event)
  const body = await readValidatedBody(event, changePasswordBody.parse)

  // Counted before the current password is checked, sharing the sign-in allowance of this account and address.
  const [attempt, user] = await Promise.all([throttlePasswordAttempt(event, session.user.email), findUserById(session.user.id)])
  if (!user) throw sessionEnded(event)
  if (!await verifyPassword(user.passwordHash, body.current_password)) throw wrongPassword()

  await changePasswordKeepingSession(session, await hashPassword(body.new_password))
  await attempt.succeeded()
  setResponseStatus(event, 204)
  return null
})
