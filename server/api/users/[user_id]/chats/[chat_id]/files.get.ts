import type { GetChatFilesResponse } from '#shared/types/api'

// The contract: ../shared/spec/chat-files-endpoint.md (mirrored in README). Every error is
// {statusCode, statusMessage, data: {message}} via server/error-handler.ts.
export default defineEventHandler(async (event) => {
  const { user } = await requireUserSession(event)
  const { user_id, chat_id } = await getValidatedRouterParams(event, chatRouteParams.parse)

  // A path naming another user answers exactly like a missing chat.
  const files = user_id === user.id ? await findChatFilesOfOwner(user.id, chat_id) : null
  if (!files) throw chatNotFound()

  // The URLs are personal and expire: no shared or stored copies.
  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { chatFiles: files.map(file => toChatFile(file, presignDownload(file))) } satisfies GetChatFilesResponse
})
