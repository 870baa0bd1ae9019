// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Chats'],
    operationId: 'deleteChat',
    summary: 'Delete a chat and its files',
    description: 'Deletes one of your chats with all its files. The rows go at once; the stored objects are removed right after, or by the scheduled sweep if storage is unreachable.',
    parameters: [{ $ref: '#/components/parameters/UserId' }, { $ref: '#/components/parameters/ChatId' }],
    security: [{ session: [] }],
    responses: {
      204: { description: 'Deleted.' },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { $ref: '#/components/responses/ChatNotFound' },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)

  // Rows go in one statement (files by cascade); their objects were recorded for deletion with them.
  if (!await deleteChatOfOwner(user.id, params.chat_id)) throw chatNotFound()
  await purgeDeletedObjectsSoon()

  setResponseStatus(event, 204)
  return null
})
