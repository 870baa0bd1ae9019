import type { ChatResponse } from '#shared/types/api'

export default defineEventHandler(async (event) => {
  const { user } = await requireOwnRoute(event, userRouteParams, userNotFound)
  const { name } = await readValidatedBody(event, chatBody.parse)

  const chat = await createChat(user.id, name)
  setResponseStatus(event, 201)
  return { chat } satisfies ChatResponse
})
