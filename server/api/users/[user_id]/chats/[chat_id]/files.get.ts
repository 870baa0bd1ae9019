import type { ChatFile, GetChatFilesResponse } from '#shared/types/api'

// OpenAPI, exactly as the contract (../shared/spec/chat-files-endpoint.md) says; shared components are in
// server/api/[...path].ts. A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Files'],
    operationId: 'getChatFiles',
    summary: 'List the files of a chat',
    description: 'Retrieves all files associated with a specific chat conversation, each with a presigned download URL. The session cookie is required for authentication, and the chat must belong to the specified user. Returns an empty array if no files are associated with the chat. No query parameters and no request body.\n\nFile URLs have limited-time validity: each `url` expires NUXT_S3_URL_TTL seconds (15 minutes by default) after the listing was served, so fetch the listing again instead of storing URLs. A URL needs no cookie. When the server signs with temporary credentials (an IAM role), a URL dies with their session token: it never outlives them, so it may expire sooner than NUXT_S3_URL_TTL.',
    parameters: [
      { $ref: '#/components/parameters/UserId' },
      { $ref: '#/components/parameters/ChatId' },
    ],
    security: [{ session: [] }],
    responses: {
      200: {
        description: 'Successfully retrieved chat files',
        headers: { 'Cache-Control': { description: '`private, no-store`: the URLs are personal and expire.', schema: { type: 'string' } } },
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/GetChatFilesResponse' },
            example: {
              chatFiles: [
                { id: 1, chat_conversation_id: 123, name: 'document.pdf', size: 1024, type: 'application/pdf', created_at: '2024-03-20T10:00:00Z', url: 'https://storage.example.com/files/document.pdf' },
              ],
            },
          },
        },
      },
      400: {
        description: 'Malformed user_id or chat_id (chat_id must be a positive integer in plain digits).',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 400, statusMessage: 'Bad Request', data: { message: 'chat_id: must be a positive integer' } } } },
      },
      401: {
        description: 'Unauthorized (invalid or missing session)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 401, statusMessage: 'Unauthorized', data: { message: 'Sign in required' } } } },
      },
      404: {
        description: 'Chat or user not found. A missing chat, someone else\'s chat and a user_id that is not the session\'s own are answered alike.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 404, statusMessage: 'Not Found', data: { message: 'Chat not found' } } } },
      },
      500: {
        description: 'Server error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 500, statusMessage: 'Internal Server Error', data: { message: 'Internal Server Error' } } } },
      },
    },
  },
})

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
