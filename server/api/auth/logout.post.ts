export default defineEventHandler(async (event) => {
  await clearUserSession(event)
  // clearUserSession empties the cookie's value; expire it too, so browsers drop it rather than keep an empty one.
  deleteCookie(event, sessionCookieName, useRuntimeConfig(event).session.cookie || undefined)
  setResponseStatus(event, 204)
  return null
})
