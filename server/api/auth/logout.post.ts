export const openapi = defineOperation({
  id: 'logout', tag: 'Auth', summary: 'Sign out', session: 'optional', responses: { 204: 'Signed out; the cookie is cleared.' },
  description: 'Ends the session and expires the `neptun-session` cookie. Succeeds with or without a session.' })

export default defineEventHandler(async (event) => {
  // Revokes the session server-side too (the `clear` hook in server/plugins/sessions.ts): a copy of the cookie is worthless.
  await clearUserSession(event)
  // clearUserSession empties the cookie's value; expire it too, so browsers drop it rather than keep an empty one.
  deleteCookie(event, sessionCookieName, useRuntimeConfig(event).session.cookie || undefined)
  setResponseStatus(event, 204)
  return null
})
