export const openapi = defineOperation({
  id: 'changePassword', tag: 'Auth', summary: 'Change your password', body: changePasswordBody,
  description: 'Checks the current password, sets the new one and ends every other session of the user; this one stays signed in. Wrong current passwords count against the sign-in allowance.',
  responses: { 204: 'Password changed; every other session is ended.' },
  errors: [wrongPassword, tooManyAttempts],
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
