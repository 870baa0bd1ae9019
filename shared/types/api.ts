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

export interface GetChatsResponse {
  chats: Chat[]
}

export interface PublicUser {
  id: string
  email: string
}

export interface AuthResponse {
  user: PublicUser
}
