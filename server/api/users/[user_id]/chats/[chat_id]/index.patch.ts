import type { ChatResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Chats'],
    operationId: 'renameChat',
    summary: 'Rename a chat',
    description: 'Changes the name of one of your chats.',
    parameters: [{ $ref: '#/components/parameters/UserId' }, { $ref: '#/components/parameters/ChatId' }],
    security: [{ session: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatNameRequest' } } } },
    responses: {
      200: { description: 'The renamed chat.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatResponse' } } } },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { $ref: '#/components/responses/ChatNotFound' },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)
  const { name } = await readValidatedBody(event, chatBody.parse)

  const chat = await renameChatOfOwner(user.id, params.chat_id, name)
  if (!chat) throw chatNotFound()
  return { chat } satisfies ChatResponse
})
