import type { ChatResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'renameChat', tag: 'Chats', summary: 'Rename a chat', params: chatRouteParams, body: chatBody, errors: [chatNotFound],
  responses: { 200: { schema: apiSchemas.ChatResponse, description: 'The renamed chat.' } } })

export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)
  const { name } = await readValidatedBody(event, chatBody.parse)

  const chat = await renameChatOfOwner(user.id, params.chat_id, name)
  if (!chat) throw chatNotFound()
  return { chat } satisfies ChatResponse
})
