import type { ChatResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'createChat', tag: 'Chats', summary: 'Create a chat', params: userRouteParams, body: chatBody, errors: [userNotFound],
  responses: { 201: { schema: apiSchemas.ChatResponse, description: 'The new chat.' } } })

export default defineEventHandler(async (event) => {
  const { user } = await requireOwnRoute(event, userRouteParams, userNotFound)
  const { name } = await readValidatedBody(event, chatBody.parse)

  const chat = await createChat(user.id, name)
  setResponseStatus(event, 201)
  return { chat } satisfies ChatResponse
})
