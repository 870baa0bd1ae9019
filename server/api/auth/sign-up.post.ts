import type { AuthResponse } from '#shared/types/api'

export default defineEventHandler(async (event) => {
  const { email, password } = await readValidatedBody(event, signUpBody.parse)

  const user = await createUser(email, await hashPassword(password))
  if (!user) throw emailTaken()

  await replaceUserSession(event, { user: toPublicUser(user) })
  setResponseStatus(event, 201)
  return { user: toPublicUser(user) } satisfies AuthResponse
})
