import { hasThumbnail } from '#shared/utils/files'

export const openapi = defineOperation({
  id: 'getChatFileThumbnail', tag: 'Files', summary: 'A small thumbnail of an image file', params: fileRouteParams, errors: [fileNotFound, noThumbnail, storageUnavailable],
  description: 'Redirects to a presigned URL of a 96×96 WebP rendition of the image, made when the upload was confirmed (or now, on first request).',
  responses: { 302: { description: 'Redirect to the thumbnail.', headers: { 'Location': 'The presigned URL.', 'Cache-Control': '`private, max-age=…`: at most half the URL\'s lifetime.' } } } })

// For the web UI's list: a small rendition instead of the original, so a chat of photos stays light.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)

  const file = await findThumbnailSourceOfOwner(user.id, params.chat_id, params.file_id)
  if (!file) throw fileNotFound()
  if (!hasThumbnail(file.type)) throw noThumbnail()
  const state = file.thumbnail ?? await ensureThumbnail(file).catch(rethrowStorageError)
  if (state !== 'ready') throw noThumbnail()

  await storageCredentialsReady()
  setResponseHeader(event, 'cache-control', `private, max-age=${reuseWindow(useS3Settings().urlTtl)}`)
  return sendRedirect(event, presignThumbnail(file.objectKey), 302)
})
