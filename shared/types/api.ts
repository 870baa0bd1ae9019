// The API's wire types, written once and imported by server routes, composables and pages.
// ChatFile, GetChatFilesResponse and GetChatFilesError are the contract's own interfaces.

export interface ChatFile {
  id: number
  chat_conversation_id: number
  name: string
  size: number
  type: string
  created_at: string
  url: string
}

export interface GetChatFilesResponse {
  chatFiles: ChatFile[]
}

export interface GetChatFilesError {
  statusCode: number
  statusMessage: string
  data: {
    message: string
  }
}

/** Every API error has the contract's error shape. */
export type ApiError = GetChatFilesError

export interface Chat {
  id: number
  name: string
  created_at: string
}

/** A chat as GET /api/users/[user_id]/chats lists it: with its number of files and its last activity. */
export interface ChatSummary extends Chat {
  /** Completed files in the chat. */
  file_count: number
  /** The newest file's created_at, or the chat's own when it has none. */
  last_activity_at: string
}

export interface GetChatsResponse {
  chats: ChatSummary[]
}

export interface ChatResponse {
  chat: Chat
}

/** POST …/files (multipart upload through the server). */
export interface UploadChatFilesResponse {
  chatFiles: ChatFile[]
}

/** POST …/files/[file_id]/complete: the same object as a listing entry. */
export interface ChatFileResponse {
  chatFile: ChatFile
}

/** A presigned PUT for one object; send the bytes with exactly these headers, then call complete. */
export interface UploadTicket {
  file_id: number
  url: string
  method: 'PUT'
  headers: Record<string, string>
  expires_at: string
}

export interface CreateUploadResponse {
  upload: UploadTicket
}

/** GET /api/upload-limits: what the server accepts, so clients can refuse a file before any byte moves. */
export interface UploadLimitsResponse {
  max_bytes: number
  max_files_per_chat: number
  /** Allowed types with `image/*` style wildcards; empty means every type. */
  allowed_types: string[]
}

export interface PublicUser {
  id: string
  email: string
}

export interface AuthResponse {
  user: PublicUser
}

/** One signed-in session of the user (GET /api/auth/sessions). */
export interface SessionInfo {
  id: string
  created_at: string
  last_seen_at: string
  user_agent: string
  client_address: string
  /** The session making this request. */
  current: boolean
}

export interface GetSessionsResponse {
  sessions: SessionInfo[]
}

/** DELETE /api/auth/sessions (sign out everywhere): how many sessions ended. */
export interface RevokedSessionsResponse {
  revoked: number
}
