import type { CreateUploadResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Files'],
    operationId: 'createUpload',
    summary: 'Start a direct upload',
    description: 'Step 1 of an upload straight to storage: reserves a file and returns a presigned PUT for it. PUT the bytes to `upload.url` with exactly `upload.headers` (its size must be `size` and its type `type`), then call POST …/files/{file_id}/complete. A reserved file is not listed until completed, and is removed if never completed (NUXT_UPLOAD_PENDING_TTL).',
    parameters: [{ $ref: '#/components/parameters/UserId' }, { $ref: '#/components/parameters/ChatId' }],
    security: [{ session: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/UploadRequest' } } } },
    responses: {
      201: { description: 'The upload ticket.', content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateUploadResponse' } } } },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { $ref: '#/components/responses/ChatNotFound' },
      413: { $ref: '#/components/responses/PayloadTooLarge' },
      415: { $ref: '#/components/responses/UnsupportedMediaType' },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

// Step 1 of a direct upload: reserve a file and hand out a presigned PUT for its object.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)
  const body = await readValidatedBody(event, uploadRequestBody.parse)
  const type = normalizeType(body.type)
  if (!type) throw createError({ statusCode: 400, data: { message: 'type: must be a MIME type such as application/pdf' } })

  const chat = await findChatForUpload(user.id, params.chat_id)
  if (!chat) throw chatNotFound()
  const limits = useUploadLimits()
  assertUploadAllowed(limits, { size: body.size, type }, chat.fileCount)

  const file = await createPendingFile(chat.id, sanitizeFileName(body.name), body.size, type, body.sha256)
  if (!file) throw chatNotFound()
  const signedAt = Date.now()
  const { url, headers, expiresIn } = await presignUpload(file.objectKey, type, body.size, limits.urlTtl, body.sha256).catch(rethrowStorageError)
  setResponseStatus(event, 201)
  return {
    upload: { file_id: file.id, url, method: 'PUT', headers, expires_at: new Date(signedAt + expiresIn * 1000).toISOString() },
  } satisfies CreateUploadResponse
})
