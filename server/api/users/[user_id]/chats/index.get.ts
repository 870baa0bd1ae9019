import type { GetChatsResponse } from '#shared/types/api'

export default defineEventHandler(async (event) => {
  const { user } = await requireUserSession(event)
  const { user_id } = await getValidatedRouterParams(event, userRouteParams.parse)
  if (user_id !== user.id) throw userNotFound()

  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { chats: await listChatsOfOwner(user.id) } satisfies GetChatsResponse
})
