import type { AuthResponse } from '#shared/types/api'

// A well-formed hash of a password nobody has, so an unknown email costs as much as a wrong password.
let decoyHash: Promise<string> | undefined

export default defineEventHandler(async (event) => {
  const { email, password } = await readValidatedBody(event, credentialsBody.parse)

  const user = await findUserByEmail(email)
  const hash = user?.passwordHash ?? await (decoyHash ??= hashPassword(crypto.randomUUID()))
  const valid = await verifyPassword(hash, password)
  if (!user || !valid) throw invalidCredentials()

  await replaceUserSession(event, { user: toPublicUser(user) })
  return { user: toPublicUser(user) } satisfies AuthResponse
})
