export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)

  if (!await deleteFileOfOwner(user.id, params.chat_id, params.file_id)) throw fileNotFound()
  await purgeDeletedObjectsSoon()

  setResponseStatus(event, 204)
  return null
})
