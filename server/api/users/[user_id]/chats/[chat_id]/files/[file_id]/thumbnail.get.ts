import { hasThumbnail } from '#shared/utils/files'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Files'],
    operationId: 'getChatFileThumbnail',
    summary: 'A small thumbnail of an image file',
    description: 'Redirects to a presigned URL of a 96×96 WebP rendition of the image, made when the upload was confirmed (or now, on first request). The redirect may be cached privately for a few minutes. Files that are not JPEG, PNG, WebP, GIF, AVIF or TIFF images, or cannot be read as one, have none (404).',
    parameters: [{ $ref: '#/components/parameters/UserId' }, { $ref: '#/components/parameters/ChatId' }, { $ref: '#/components/parameters/FileId' }],
    security: [{ session: [] }],
    responses: {
      302: { description: 'Redirect to a presigned URL of the thumbnail (image/webp).', headers: { 'Location': { description: 'The presigned URL.', schema: { type: 'string', format: 'uri' } }, 'Cache-Control': { description: '`private, max-age=…`: at most half the URL\'s lifetime.', schema: { type: 'string' } } } },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { description: 'No such file of yours, or it has no thumbnail.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 404, statusMessage: 'Not Found', data: { message: 'This file has no thumbnail' } } } } },
      500: { $ref: '#/components/responses/ServerError' },
      503: { $ref: '#/components/responses/StorageUnavailable' },
    },
  },
})

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
