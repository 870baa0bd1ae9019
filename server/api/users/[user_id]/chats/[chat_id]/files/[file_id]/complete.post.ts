import type { ChatFileResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'completeUpload', tag: 'Files', summary: 'Finish a direct upload', params: fileRouteParams, errors: [fileNotFound, uploadNotReceived, uploadMismatch, storageUnavailable],
  description: 'Step 2 of a direct upload: checks that storage holds exactly the declared size, type and SHA-256, then lists the file. Again for a completed file: the file again.',
  responses: { 200: { schema: apiSchemas.ChatFileResponse, description: 'The completed file, as the listing shows it.' } } })

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
