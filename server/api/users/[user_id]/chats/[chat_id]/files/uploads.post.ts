import type { CreateUploadResponse } from '#shared/types/api'

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

  const file = await createPendingFile(chat.id, sanitizeFileName(body.name), body.size, type)
  const { url, headers } = await presignUpload(file.objectKey, type, body.size, limits.urlTtl)
  setResponseStatus(event, 201)
  return {
    upload: { file_id: file.id, url, method: 'PUT', headers, expires_at: new Date(Date.now() + limits.urlTtl * 1000).toISOString() },
  } satisfies CreateUploadResponse
})
