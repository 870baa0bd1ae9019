import type { ChatFile, GetChatFilesResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'getChatFiles', tag: 'Files', summary: 'List the files of a chat', params: chatRouteParams, errors: [chatNotFound, storageUnavailable],
  description: 'Retrieves all files associated with a specific chat conversation, each with a presigned download URL. The session cookie is required, and the chat must belong to the specified user. Returns an empty array if the chat has no files. No query parameters and no request body.\n\n'
    + 'File URLs have limited-time validity: each `url` expires NUXT_S3_URL_TTL seconds (15 minutes by default) after the listing was served, so fetch the listing again instead of storing URLs. A URL needs no cookie; one signed with temporary credentials (an IAM role) never outlives them, so it may expire sooner.',
  responses: { 200: { schema: apiSchemas.GetChatFilesResponse, description: 'Successfully retrieved chat files', headers: { 'Cache-Control': '`private, no-store`: the URLs are personal and expire.' } } } })

// The contract: ../shared/spec/chat-files-endpoint.md (mirrored in README). Every error is
// {statusCode, statusMessage, data: {message}} via server/error-handler.ts.
export default defineEventHandler(async (event) => {
  const session = await readSession(event)
  const params = await getValidatedRouterParams(event, chatRouteParams.parse)

  // One round trip: the session check, ownership (the path's user must be the session's) and the files.
  const files = await findChatFilesInSession(session, params.user_id, params.chat_id)
  if (files === 'session-ended') throw sessionEnded(event)
  if (files === 'chat-not-found') throw chatNotFound()

  // Renews the credentials first if they are about to expire; free while they are fresh.
  await storageCredentialsReady()
  // The URLs are personal and expire: no shared or stored copies.
  setResponseHeader(event, 'cache-control', 'private, no-store')
  const presigner = usePresigner()
  const settings = useS3Settings()
  // GetChatFilesResponse, written out as it is built (server/utils/json-list.ts).
  return sendJsonList(event, 'chatFiles' satisfies keyof GetChatFilesResponse, files, (file): ChatFile =>
    listedChatFile(file, presignDownload({ objectKey: file[5], name: file[2], type: file[4] }, presigner, settings)))
})
