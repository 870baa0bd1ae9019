import type { GetChatFilesResponse } from '#shared/types/api'

// The contract: ../shared/spec/chat-files-endpoint.md (mirrored in README). Every error is
// {statusCode, statusMessage, data: {message}} via server/error-handler.ts.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)

  const files = await findChatFilesOfOwner(user.id, params.chat_id)
  if (!files) throw chatNotFound()

  // The URLs are personal and expire: no shared or stored copies.
  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { chatFiles: files.map(file => toChatFile(file, presignDownload(file))) } satisfies GetChatFilesResponse
})
