import type { FetchError } from 'ofetch'
import type { ApiError, ChatResponse, GetChatsResponse } from '#shared/types/api'
/**
 * The session user's chats (newest first, each with its file count and last activity), with create, rename and delete kept in step with the list.
 * Await it in setup: the list is then rendered on the server.
 */
export async function useChats(userId: MaybeRefOrGetter<string>) {
  const api = useApi()
  const request = await useFetch<GetChatsResponse, FetchError<ApiError>>(() => apiPaths.chats(toValue(userId)), {
    key: computed(() => `chats:${toValue(userId)}`),
    default: () => ({ chats: [] }),
  })
  const chats = () => request.data.value.chats

  async function create(name: string) {
    const { chat } = await api<ChatResponse>(apiPaths.chats(toValue(userId)), { method: 'POST', body: { name } })
    request.data.value = { chats: [{ ...chat, file_count: 0, last_activity_at: chat.created_at }, ...chats()] }
    return chat
  }

  async function rename(chatId: number, name: string) {
    const { chat } = await api<ChatResponse>(apiPaths.chat(toValue(userId), chatId), { method: 'PATCH', body: { name } })
    request.data.value = { chats: chats().map(c => (c.id === chat.id ? { ...c, ...chat } : c)) }
    return chat
  }

  async function remove(chatId: number) {
    await api(apiPaths.chat(toValue(userId), chatId), { method: 'DELETE' })
    request.data.value = { chats: chats().filter(c => c.id !== chatId) }
  }

  return { ...request, create, rename, remove }
}
