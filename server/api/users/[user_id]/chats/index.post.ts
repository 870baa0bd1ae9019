import type { ChatResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Chats'],
    operationId: 'createChat',
    summary: 'Create a chat',
    description: 'Creates an empty chat with this name for the signed-in user.',
    parameters: [{ $ref: '#/components/parameters/UserId' }],
    security: [{ session: [] }],
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatNameRequest' } } } },
    responses: {
      201: { description: 'The new chat.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ChatResponse' } } } },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { $ref: '#/components/responses/UserNotFound' },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

export default defineEventHandler(async (event) => {
  const { user } = await requireOwnRoute(event, userRouteParams, userNotFound)
  const { name } = await readValidatedBody(event, chatBody.parse)

  const chat = await createChat(user.id, name)
  setResponseStatus(event, 201)
  return { chat } satisfies ChatResponse
})
