import type { AuthResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'login', tag: 'Auth', summary: 'Sign in', session: false, body: credentialsBody, errors: [invalidCredentials, tooManyAttempts],
  description: 'Checks the email and password and starts a session: the response sets the `neptun-session` cookie, replacing any earlier session.',
  responses: { 200: { schema: apiSchemas.AuthResponse, description: 'Signed in.', headers: { 'Set-Cookie': sessionCookieHeader } } } })

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
