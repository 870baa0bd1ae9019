import type { GetChatsResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'listChats', tag: 'Chats', summary: 'List your chats', params: userRouteParams, errors: [userNotFound],
  description: 'Your chats with their number of files and last activity, most recently active first.',
  responses: { 200: { schema: apiSchemas.GetChatsResponse, headers: { 'Cache-Control': '`private, no-store`' } } } })

export default defineEventHandler(async (event) => {
  const { user } = await requireOwnRoute(event, userRouteParams, userNotFound)

  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { chats: await listChatsOfOwner(user.id) } satisfies GetChatsResponse
})
