export const openapi = defineOperation({
  id: 'deleteChatFile', tag: 'Files', summary: 'Delete a file', params: fileRouteParams, errors: [fileNotFound], responses: { 204: 'Deleted.' },
  description: 'Deletes one file of one of your chats; its stored object goes right after, or with the scheduled sweep if storage is unreachable.' })

export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)

  if (!await deleteFileOfOwner(user.id, params.chat_id, params.file_id)) throw fileNotFound()
  await purgeDeletedObjectsSoon()

  setResponseStatus(event, 204)
  return null
})
