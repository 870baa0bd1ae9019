// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Files'],
    operationId: 'deleteChatFile',
    summary: 'Delete a file',
    description: 'Deletes one file of one of your chats; its stored object is removed right after, or by the scheduled sweep if storage is unreachable.',
    parameters: [{ $ref: '#/components/parameters/UserId' }, { $ref: '#/components/parameters/ChatId' }, { $ref: '#/components/parameters/FileId' }],
    security: [{ session: [] }],
    responses: {
      204: { description: 'Deleted.' },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { $ref: '#/components/responses/FileNotFound' },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)

  if (!await deleteFileOfOwner(user.id, params.chat_id, params.file_id)) throw fileNotFound()
  await purgeDeletedObjectsSoon()

  setResponseStatus(event, 204)
  return null
})
