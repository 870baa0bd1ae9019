// Every API path in one place, so no call is written twice; ids are encoded so they cannot change the route.
const enc = (value: string | number) => encodeURIComponent(String(value))

export const apiPaths = {
  chats: (userId: string) => `/api/users/${enc(userId)}/chats`,
  chat: (userId: string, chatId: number | string) => `${apiPaths.chats(userId)}/${enc(chatId)}`,
  files: (userId: string, chatId: number | string) => `${apiPaths.chat(userId, chatId)}/files`,
  file: (userId: string, chatId: number | string, fileId: number) => `${apiPaths.files(userId, chatId)}/${enc(fileId)}`,
  uploads: (userId: string, chatId: number | string) => `${apiPaths.files(userId, chatId)}/uploads`,
  complete: (userId: string, chatId: number | string, fileId: number) => `${apiPaths.file(userId, chatId, fileId)}/complete`,
  download: (userId: string, chatId: number | string, fileId: number) => `${apiPaths.file(userId, chatId, fileId)}/download`,
  thumbnail: (userId: string, chatId: number | string, fileId: number) => `${apiPaths.file(userId, chatId, fileId)}/thumbnail`,
  uploadLimits: () => '/api/upload-limits',
  login: () => '/api/auth/login',
  signUp: () => '/api/auth/sign-up',
  logout: () => '/api/auth/logout',
}

/**
 * $fetch for the app's API: an expired or missing session sends the user to /login and back afterwards,
 * instead of leaving a page half working.
 */
export function useApi() {
  const route = useRoute()
  const { clear } = useUserSession()
  return $fetch.create({
    async onResponseError({ response }) {
      if (response.status === 401 && import.meta.client) {
        await clear()
        await navigateTo({ path: '/login', query: { redirect: route.fullPath } })
      }
    },
  })
}

/** The message of an API error in the contract's shape, or a fallback. */
export function apiErrorMessage(error: unknown, fallback = 'Something went wrong'): string {
  const data = (error as { data?: { data?: { message?: unknown } } } | null)?.data
  return typeof data?.data?.message === 'string' ? data.data.message : fallback
}
