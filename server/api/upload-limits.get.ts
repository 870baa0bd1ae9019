import type { UploadLimitsResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'getUploadLimits', tag: 'Files', summary: 'Upload limits', session: false, database: false, responses: { 200: apiSchemas.UploadLimitsResponse },
  description: 'The largest file, the files a chat may hold and the accepted types, so a client can refuse a file before sending any byte.' })

export default defineEventHandler(() => {
  const limits = useUploadLimits()
  return {
    max_bytes: limits.maxBytes,
    max_files_per_chat: limits.maxFilesPerChat,
    allowed_types: limits.allowedTypes.split(',').map(t => t.trim()).filter(Boolean),
  } satisfies UploadLimitsResponse
})
