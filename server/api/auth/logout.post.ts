export default defineEventHandler(async (event) => {
  await clearUserSession(event)
  // clearUserSession empties the cookie's value; expire it too, so browsers drop it rather than keep an empty one.
  const { name, cookie } = useRuntimeConfig(event).session
  deleteCookie(event, name, cookie)
  setResponseStatus(event, 204)
  return null
})
