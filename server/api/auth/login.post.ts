import type { AuthResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Auth'],
    operationId: 'login',
    summary: 'Sign in',
    description: 'Checks the email and password and starts a session: the response sets the `neptun-session` cookie, replacing any earlier session. An unknown email and a wrong password get the same answer.',
    security: [],
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Credentials' } } } },
    responses: {
      200: { description: 'Signed in.', headers: { 'Set-Cookie': { description: 'The session: `neptun-session=…; Path=/; HttpOnly; SameSite=Lax` (and `Secure` in production).', schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/AuthResponse' } } } },
      400: { description: 'Invalid body; the message names each field that is wrong.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 400, statusMessage: 'Bad Request', data: { message: 'email: must be a valid email address' } } } } },
      401: { description: 'Unknown email or wrong password.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 401, statusMessage: 'Unauthorized', data: { message: 'Invalid credentials' } } } } },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

// A well-formed hash of a password nobody has, so an unknown email costs as much as a wrong password.
let decoyHash: Promise<string> | undefined

export default defineEventHandler(async (event) => {
  const { email, password } = await readValidatedBody(event, credentialsBody.parse)

  // The attempt is counted before the password is looked at: over the limit, even the right one waits (429).
  const [attempt, user] = await Promise.all([throttlePasswordAttempt(event, email), findUserByEmail(email)])
  const hash = user?.passwordHash ?? await (decoyHash ??= hashPassword(crypto.randomUUID()))
  const valid = await verifyPassword(hash, password)
  if (!user || !valid) throw invalidCredentials()

  await Promise.all([attempt.succeeded(), startSession(event, toPublicUser(user))])
  return { user: toPublicUser(user) } satisfies AuthResponse
})
