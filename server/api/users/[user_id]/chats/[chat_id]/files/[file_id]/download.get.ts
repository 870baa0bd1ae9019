export const openapi = defineOperation({
  id: 'downloadChatFile', tag: 'Files', summary: 'Download a file', params: fileRouteParams, query: downloadQuery, errors: [fileNotFound, storageUnavailable],
  description: 'A link that does not expire: each request is redirected to a freshly presigned download URL.',
  responses: { 302: { description: 'Redirect to a presigned download URL.', headers: { 'Location': 'The presigned URL.', 'Cache-Control': '`private, no-store`' } } } })

// A link that never goes dead: each visit is answered with a freshly presigned URL.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)
  const { disposition } = await getValidatedQuery(event, downloadQuery.parse)

  const file = await findFileOfOwner(user.id, params.chat_id, params.file_id)
  if (!file) throw fileNotFound()

  await storageCredentialsReady()
  setResponseHeader(event, 'cache-control', 'private, no-store')
  return sendRedirect(event, presignDownload(file, usePresigner(), useS3Settings(), disposition === 'attachment'), 302)
})
