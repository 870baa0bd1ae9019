export const openapi = defineOperation({
  id: 'deleteChatFile', tag: 'Files', summary: 'Delete a file', params: fileRouteParams,
  description: 'Deletes one file of one of your chats; its stored object is removed right after, or by the scheduled sweep if storage is unreachable.',
  responses: { 204: 'Deleted.' }, errors: [fileNotFound],
})

export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)

  if (!await deleteFileOfOwner(user.id, params.chat_id, params.file_id)) throw fileNotFound()
  await purgeDeletedObjectsSoon()

  setResponseStatus(event, 204)
  return null
})
