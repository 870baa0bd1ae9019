import type { FetchError } from 'ofetch'
import type { ApiError, GetChatFilesResponse } from '#shared/types/api'
/** The files of a chat, with presigned download URLs; refetches when either id changes. Await it in setup. */
export async function useChatFiles(userId: MaybeRefOrGetter<string>, chatId: MaybeRefOrGetter<number | string>) {
  const api = useApi()
  const request = await useFetch<GetChatFilesResponse, FetchError<ApiError>>(() => apiPaths.files(toValue(userId), toValue(chatId)), {
    key: computed(() => `chat-files:${toValue(userId)}:${toValue(chatId)}`),
    default: () => ({ chatFiles: [] }),
  })

  async function remove(fileId: number) {
    await api(apiPaths.file(toValue(userId), toValue(chatId), fileId), { method: 'DELETE' })
    request.data.value = { chatFiles: request.data.value.chatFiles.filter(f => f.id !== fileId) }
  }

  /** A link that stays valid however long the page stays open (it redirects to a fresh URL). */
  const downloadLink = (fileId: number, disposition?: 'attachment') =>
    apiPaths.download(toValue(userId), toValue(chatId), fileId) + (disposition ? `?disposition=${disposition}` : '')

  /** A small rendition of an image (redirects to storage; 404 for files without one). */
  const thumbnailLink = (fileId: number) => apiPaths.thumbnail(toValue(userId), toValue(chatId), fileId)

  return { ...request, remove, downloadLink, thumbnailLink }
}

/** The same request for code outside components (stores, plugins, scripts run in Nuxt). */
export function fetchChatFiles(userId: string, chatId: number | string) {
  return $fetch<GetChatFilesResponse>(apiPaths.files(userId, chatId))
}
