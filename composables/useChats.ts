import type { FetchError } from 'ofetch'
import type { ApiError, GetChatsResponse } from '#shared/types/api'

export function chatsPath(userId: string) {
  return `/api/users/${encodeURIComponent(userId)}/chats`
}

/** The session user's chats, newest first. */
export function useChats(userId: MaybeRefOrGetter<string>) {
  return useFetch<GetChatsResponse, FetchError<ApiError>>(() => chatsPath(toValue(userId)), {
    key: computed(() => `chats:${toValue(userId)}`),
    default: () => ({ chats: [] }),
  })
}
