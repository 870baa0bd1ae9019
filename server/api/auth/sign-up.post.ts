import type { AuthResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'signUp', tag: 'Auth', summary: 'Create an account and sign in', session: false, body: signUpBody, errors: [emailTaken, tooManyAttempts],
  responses: { 201: { schema: apiSchemas.AuthResponse, description: 'Account created and signed in.', headers: { 'Set-Cookie': sessionCookieHeader } } } })

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
