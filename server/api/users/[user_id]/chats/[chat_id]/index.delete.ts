export const openapi = defineOperation({
  id: 'deleteChat', tag: 'Chats', summary: 'Delete a chat and its files', params: chatRouteParams, errors: [chatNotFound], responses: { 204: 'Deleted.' },
  description: 'Deletes one of your chats with its files; their stored objects go right after, or with the scheduled sweep if storage is unreachable.' })

export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)

  // Rows go in one statement (files by cascade); their objects were recorded for deletion with them.
  if (!await deleteChatOfOwner(user.id, params.chat_id)) throw chatNotFound()
  await purgeDeletedObjectsSoon()

  setResponseStatus(event, 204)
  return null
})
