// OpenAPI (components: server/api/[...path].ts). A build-time macro: keep the argument a plain literal.
defineRouteMeta({
  openAPI: {
    tags: ['Files'],
    operationId: 'downloadChatFile',
    summary: 'Download a file',
    description: 'A link that does not expire: each request is redirected to a freshly presigned download URL for the file.',
    parameters: [
      { $ref: '#/components/parameters/UserId' }, { $ref: '#/components/parameters/ChatId' }, { $ref: '#/components/parameters/FileId' },
      { name: 'disposition', in: 'query', required: false, description: 'attachment makes browsers save the file even when they could display it; by default safe types display inline.', schema: { type: 'string', enum: ['inline', 'attachment'] } },
    ],
    security: [{ session: [] }],
    responses: {
      302: { description: 'Redirect to a presigned download URL.', headers: { Location: { description: 'The presigned URL; it expires like the listing\'s URLs.', schema: { type: 'string', format: 'uri' } } } },
      400: { $ref: '#/components/responses/BadRequest' },
      401: { $ref: '#/components/responses/Unauthorized' },
      404: { $ref: '#/components/responses/FileNotFound' },
      500: { $ref: '#/components/responses/ServerError' },
    },
  },
})

// A link that never goes dead: each visit is answered with a freshly presigned URL.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, fileRouteParams, fileNotFound)
  const { disposition } = await getValidatedQuery(event, downloadQuery.parse)

  const file = await findFileOfOwner(user.id, params.chat_id, params.file_id)
  if (!file) throw fileNotFound()

  await storageCredentialsReady()
  setResponseHeader(event, 'cache-control', 'private, no-store')
  return sendRedirect(event, presignDownload(file, usePresigner(), useS3Settings(), disposition === 'attachment'), 302)
})
