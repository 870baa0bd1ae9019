import type { UploadLimitsResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Files'],
    operationId: 'getUploadLimits',
    summary: 'Upload limits',
    description: 'The largest file, the files a chat may hold and the accepted types, so a client can refuse a file before sending any byte.',
    responses: {
      200: {
        description: 'The limits in force.',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['max_bytes', 'max_files_per_chat', 'allowed_types'],
              properties: {
                max_bytes: { type: 'integer' },
                max_files_per_chat: { type: 'integer' },
                allowed_types: { type: 'array', items: { type: 'string' }, description: 'Empty means every type is accepted.' },
              },
            },
          },
        },
      },
    },
  },
})

export default defineEventHandler(() => {
  const limits = useUploadLimits()
  return {
    max_bytes: limits.maxBytes,
    max_files_per_chat: limits.maxFilesPerChat,
    allowed_types: limits.allowedTypes.split(',').map(t => t.trim()).filter(Boolean),
  } satisfies UploadLimitsResponse
})
