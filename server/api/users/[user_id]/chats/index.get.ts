import type { GetChatsResponse } from '#shared/types/api'

// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Chats'],
    operationId: 'listChats',
    summary: 'List your chats',
    description: 'The signed-in user\'s chats, newest first.',
    parameters: [{ $ref: '#/components/parameters/UserId' }],
    security: [{ session: [] }],
    responses: {
      200: { description: 'The chats.', headers: { 'Cache-Control': { description: '`private, no-store`', schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/GetChatsResponse' } } } },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { $ref: '#/components/responses/UserNotFound' },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

export default defineEventHandler(async (event) => {
  const { user } = await requireOwnRoute(event, userRouteParams, userNotFound)

  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { chats: await listChatsOfOwner(user.id) } satisfies GetChatsResponse
})
