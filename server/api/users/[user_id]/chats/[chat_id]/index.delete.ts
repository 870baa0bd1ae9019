export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)

  // Rows go in one statement (files by cascade); their objects were recorded for deletion with them.
  if (!await deleteChatOfOwner(user.id, params.chat_id)) throw chatNotFound()
  await purgeDeletedObjectsSoon()

  setResponseStatus(event, 204)
  return null
})
