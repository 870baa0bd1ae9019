import { handlers } from '#nitro-internal-virtual/server-handlers'
import { routes, version } from '#api-route-files'

// The OpenAPI 3.1 document (server/utils/openapi.ts), built on first request and kept: it changes only with a
// new build or new settings, which need a restart. pages/api-reference.vue renders it.
let document: ReturnType<typeof buildOpenApiDocument> | undefined

export default defineEventHandler(() => {
  document ??= buildOpenApiDocument(routes, apiRouteTable(handlers).allowed, version).catch((error) => {
    document = undefined
    throw error
  })
  return document
})
