export const openapi = defineOperation({
  id: 'changePassword', tag: 'Auth', summary: 'Change your password', body: changePasswordBody, errors: [wrongPassword, tooManyAttempts],
  description: 'Sets a new password and ends every other session; this one stays signed in. Wrong current passwords count against the sign-in allowance.',
  responses: { 204: 'Password changed; every other session is ended.' } })

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
