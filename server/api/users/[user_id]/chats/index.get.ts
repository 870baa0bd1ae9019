import type { GetChatsResponse } from '#shared/types/api'

export default defineEventHandler(async (event) => {
  const { user } = await requireOwnRoute(event, userRouteParams, userNotFound)

  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { chats: await listChatsOfOwner(user.id) } satisfies GetChatsResponse
})
