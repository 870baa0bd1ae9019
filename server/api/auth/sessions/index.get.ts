import type { GetSessionsResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'listSessions', tag: 'Auth', summary: 'List your signed-in sessions', responses: { 200: apiSchemas.GetSessionsResponse },
  description: 'Every session of yours that can still be used (not signed out, idle or expired), most recently used first.' })

export default defineEventHandler(async (event) => {
  const session = await requireSession(event)

  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { sessions: await listActiveSessions(session) } satisfies GetSessionsResponse
})
