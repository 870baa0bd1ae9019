import { z } from 'zod'

// The API's responses as zod schemas, one per interface of shared/types/api.ts and named like it: the OpenAPI
// document's components (server/utils/openapi.ts) are generated from them. Those interfaces stay the contract's
// text; tests/server/utils/api-schemas.test.ts proves at the type level that each schema infers exactly its
// interface, so neither can change without the other.

const integer = () => z.number().int()
const timestamp = (description: string) => z.iso.datetime().meta({ description: `${description} (ISO 8601, UTC).` })

/** The contract's own example of a listed file. */
const chatFileExample = { id: 1, chat_conversation_id: 123, name: 'document.pdf', size: 1024, type: 'application/pdf', created_at: '2024-03-20T10:00:00Z', url: 'https://storage.example.com/files/document.pdf' }

const ChatFile = z.object({
  id: integer().meta({ description: 'Unique identifier of the file.' }),
  chat_conversation_id: integer().meta({ description: 'The chat the file belongs to.' }),
  name: z.string().meta({ description: 'The file\'s name as uploaded (sanitized for display).' }),
  size: integer().min(0).meta({ description: 'Size in bytes.' }),
  type: z.string().meta({ description: 'MIME type, such as application/pdf.' }),
  created_at: timestamp('When the file was added'),
  url: z.url().meta({ description: 'Presigned download URL. It needs no cookie and has limited-time validity (NUXT_S3_URL_TTL, 15 minutes by default): fetch the listing again for fresh URLs.' }),
}).meta({ description: 'A file attached to a chat conversation.', examples: [chatFileExample] })

const ApiError = z.object({
  statusCode: integer().meta({ description: 'The HTTP status code, repeated.' }),
  statusMessage: z.string().meta({ description: 'The status code\'s standard reason phrase, such as Not Found.' }),
  data: z.object({ message: z.string().meta({ description: 'What went wrong, for people. Faults of the server say nothing about their cause.' }) }),
}).meta({
  description: 'Every error of the API has this shape (GetChatFilesError in the contract).',
  examples: [{ statusCode: 404, statusMessage: 'Not Found', data: { message: 'Chat not found' } }],
})

const Chat = z.object({
  id: integer().meta({ description: 'Unique identifier of the chat.' }),
  name: z.string().meta({ description: 'The chat\'s name.' }),
  created_at: timestamp('When the chat was created'),
})

const ChatSummary = Chat.extend({
  file_count: integer().min(0).meta({ description: 'Completed files in the chat.' }),
  last_activity_at: timestamp('The newest file\'s created_at, or the chat\'s own when it has none'),
}).meta({ description: 'A chat as the list of chats shows it.' })

const UploadTicket = z.object({
  file_id: integer().meta({ description: 'The reserved file; it is listed only once completed.' }),
  url: z.url().meta({ description: 'Presigned upload URL (no cookie needed).' }),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()).meta({ description: 'Headers the upload must carry, exactly: content-type, and x-amz-checksum-sha256 when a SHA-256 was declared.' }),
  expires_at: timestamp('When the URL stops working'),
}).meta({ description: 'A presigned PUT for one object. Send the bytes to `url` with exactly `method` and `headers`, before `expires_at`, then call …/files/{file_id}/complete.' })

const PublicUser = z.object({
  id: z.string().meta({ description: 'Unique identifier of the user: the user_id of the /api/users routes.' }),
  email: z.email(),
})

const SessionInfo = z.object({
  id: z.uuid(),
  created_at: timestamp('When the session began'),
  last_seen_at: timestamp('When it was last used, recorded at most once a minute'),
  user_agent: z.string().meta({ description: 'As sent at sign-in, at most 256 characters.' }),
  client_address: z.string().meta({ description: 'The client address at sign-in.' }),
  current: z.boolean().meta({ description: 'The session making this request.' }),
})

export const apiSchemas = {
  ChatFile,
  GetChatFilesResponse: z.object({ chatFiles: z.array(ChatFile).meta({ description: 'Oldest first; empty when the chat has no files.' }) })
    .meta({ examples: [{ chatFiles: [chatFileExample] }] }),
  ApiError,
  Chat,
  ChatSummary,
  GetChatsResponse: z.object({ chats: z.array(ChatSummary).meta({ description: 'Most recently active first.' }) }),
  ChatResponse: z.object({ chat: Chat }),
  UploadChatFilesResponse: z.object({ chatFiles: z.array(ChatFile).meta({ description: 'The stored files, in the order of the request\'s parts.' }) }),
  ChatFileResponse: z.object({ chatFile: ChatFile }),
  UploadTicket,
  CreateUploadResponse: z.object({ upload: UploadTicket }),
  UploadLimitsResponse: z.object({
    max_bytes: integer().min(0).meta({ description: 'Largest file accepted, in bytes (NUXT_UPLOAD_MAX_BYTES).' }),
    max_files_per_chat: integer().min(0).meta({ description: 'Files one chat may hold (NUXT_UPLOAD_MAX_FILES_PER_CHAT).' }),
    allowed_types: z.array(z.string()).meta({ description: 'Accepted types, `image/*` style wildcards allowed; empty means every type.' }),
  }),
  PublicUser,
  AuthResponse: z.object({ user: PublicUser }),
  SessionInfo,
  GetSessionsResponse: z.object({ sessions: z.array(SessionInfo).meta({ description: 'Most recently used first.' }) }),
  RevokedSessionsResponse: z.object({ revoked: integer().min(0).meta({ description: 'How many sessions ended.' }) }),
}

/** The files of a multipart upload through the server, as documented; busboy reads them, not zod. */
export const uploadForm = z.object({
  file: z.array(z.file()).min(1).meta({ description: 'One part named `file` per file, each with a filename and a Content-Type.' }),
})
