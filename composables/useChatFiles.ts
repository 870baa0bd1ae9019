import type { FetchError } from 'ofetch'
import type { ApiError, GetChatFilesResponse } from '#shared/types/api'

/** Path of the chat files endpoint; ids are encoded so they cannot change the route. */
export function chatFilesPath(userId: string, chatId: number | string) {
  return `/api/users/${encodeURIComponent(userId)}/chats/${encodeURIComponent(String(chatId))}/files`
}

/** The files of a chat, with presigned download URLs; refetches when either id changes. */
export function useChatFiles(userId: MaybeRefOrGetter<string>, chatId: MaybeRefOrGetter<number | string>) {
  return useFetch<GetChatFilesResponse, FetchError<ApiError>>(() => chatFilesPath(toValue(userId), toValue(chatId)), {
    key: computed(() => `chat-files:${toValue(userId)}:${toValue(chatId)}`),
    default: () => ({ chatFiles: [] }),
  })
}

/** The same request for code outside components (stores, plugins, scripts run in Nuxt). */
export function fetchChatFiles(userId: string, chatId: number | string) {
  return $fetch<GetChatFilesResponse>(chatFilesPath(userId, chatId))
}
