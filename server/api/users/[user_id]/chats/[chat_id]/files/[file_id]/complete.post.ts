import type { ChatFileResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Files'],
    operationId: 'completeUpload',
    summary: 'Finish a direct upload',
    description: 'Step 2 of an upload straight to storage: checks that storage holds exactly the declared size and type, and from then on lists the file. Calling it again for a completed file returns the file again.',
    parameters: [{ $ref: '#/components/parameters/UserId' }, { $ref: '#/components/parameters/ChatId' }, { $ref: '#/components/parameters/FileId' }],
    security: [{ session: [] }],
    responses: {
      200: { description: 'The completed file, as the listing shows it.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatFileResponse' } } } },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { $ref: '#/components/responses/FileNotFound' },
      409: { description: 'Nothing has been uploaded to the URL yet; upload, then call again.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 409, statusMessage: 'Conflict', data: { message: 'The file has not been uploaded to its URL yet' } } } } },
      422: { description: 'The upload does not match the declared size or type; it was discarded, start again.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 422, statusMessage: 'Unprocessable Entity', data: { message: 'The uploaded file does not match what was declared: 10 bytes arrived, 12 were declared; it was discarded' } } } } },
      500: { $ref: '#/components/responses/ServerError' },
      503: { $ref: '#/components/responses/StorageUnavailable' },
    },
  },
})

// Step 2 of a direct upload: the file counts only once storage holds exactly what was declared.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)

  const file = await findFileOfOwner(user.id, params.chat_id, params.file_id, 'any')
  if (!file) throw fileNotFound()
  if (file.completedAt) return { chatFile: toChatFile(file, presignDownload(file)) } satisfies ChatFileResponse

  const stored = await headObject(file.objectKey).catch(rethrowStorageError)
  if (!stored) throw uploadNotReceived()
  let mismatch = describeMismatch(file, stored)
  // A declared SHA-256 is checked again here: storage that ignores x-amz-checksum-* accepted any body.
  if (!mismatch && file.sha256) {
    const sha256 = await storedSha256(file.objectKey, stored, useUploadLimits().maxBytes).catch(rethrowStorageError)
    if (sha256 !== file.sha256) mismatch = `its SHA-256 is ${sha256}, ${file.sha256} was declared`
  }
  if (mismatch) {
    await discardFile(file.id)
    throw uploadMismatch(mismatch)
  }

  const done = await markFileCompleted(file.id)
  if (!done) throw fileNotFound()
  scheduleThumbnails([done])
  return { chatFile: toChatFile(done, presignDownload(done)) } satisfies ChatFileResponse
})
