import type { AuthResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Auth'],
    operationId: 'signUp',
    summary: 'Create an account and sign in',
    description: 'Creates a user with this email and password and starts a session: the response sets the `neptun-session` cookie.',
    security: [],
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SignUpRequest' } } } },
    responses: {
      201: { description: 'Account created and signed in.', headers: { 'Set-Cookie': { description: 'The session: `neptun-session=…; Path=/; HttpOnly; SameSite=Lax` (and `Secure` in production).', schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/AuthResponse' } } } },
      400: { description: 'Invalid body; the message names each field that is wrong.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 400, statusMessage: 'Bad Request', data: { message: 'password: must be at least 10 characters' } } } } },
      409: { description: 'An account with this email already exists.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 409, statusMessage: 'Conflict', data: { message: 'An account with this email already exists' } } } } },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

export default defineEventHandler(async (event) => {
  const { email, password } = await readValidatedBody(event, signUpBody.parse)
  // Every attempt counts, taken or not: this also bounds how fast addresses can be probed for accounts.
  await throttle(event, [signUpRule(requestThrottleAddress(event))])

  const user = await createUser(email, await hashPassword(password))
  if (!user) throw emailTaken()

  await startSession(event, toPublicUser(user))
  setResponseStatus(event, 201)
  return { user: toPublicUser(user) } satisfies AuthResponse
})
