import type { CreateUploadResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'createUpload', tag: 'Files', summary: 'Start a direct upload', params: chatRouteParams, body: uploadRequestBody,
  description: 'Step 1 of an upload straight to storage: reserves a file and returns a presigned PUT. PUT the bytes with exactly `upload.headers`, then call …/complete.',
  responses: { 201: { schema: apiSchemas.CreateUploadResponse, description: 'The upload ticket.' } },
  errors: [chatNotFound, fileTooLarge, tooManyFiles, unsupportedType, storageUnavailable] })

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
