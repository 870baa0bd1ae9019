// A link that never goes dead: each visit is answered with a freshly presigned URL.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)

  const file = await findFileOfOwner(user.id, params.chat_id, params.file_id)
  if (!file) throw fileNotFound()

  setResponseHeader(event, 'cache-control', 'private, no-store')
  return sendRedirect(event, presignDownload(file), 302)
})
