import type { ChatFileResponse } from '#shared/types/api'

// Step 2 of a direct upload: the file counts only once storage holds exactly what was declared.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)

  const file = await findFileOfOwner(user.id, params.chat_id, params.file_id, 'any')
  if (!file) throw fileNotFound()
  if (file.completedAt) return { chatFile: toChatFile(file, presignDownload(file)) } satisfies ChatFileResponse

  const stored = await headObject(file.objectKey).catch(rethrowStorageError)
  if (!stored) throw uploadNotReceived()
  const mismatch = describeMismatch(file, stored)
  if (mismatch) {
    await discardFile(file.id)
    throw uploadMismatch(mismatch)
  }

  const done = await markFileCompleted(file.id)
  return { chatFile: toChatFile(done, presignDownload(done)) } satisfies ChatFileResponse
})
