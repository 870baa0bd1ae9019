import { handlers } from '#nitro-internal-virtual/server-handlers'
import { apiRouteTable } from '../utils/api-routes'
import type { ApiRouteTable } from '../utils/api-routes'

// Checks every /api request before its route runs, with string work only:
// - a method the path does not serve: 405 with Allow (HEAD is served wherever GET is);
// - a state-changing request a browser marks as cross-site: 403 (login and sign-up included);
// - a body on a JSON route that is not application/json: 415; a JSON body over NUXT_JSON_BODY_LIMIT: 413,
//   from Content-Length before reading, or cut off while reading a chunked body.
// Requests without Origin or Sec-Fetch-Site (curl, scripts) are not cross-site forgeries and pass.

/** Routes that take multipart/form-data rather than JSON (their handlers check the type themselves). */
const MULTIPART_ROUTE = /^\/api\/users\/[^/]+\/chats\/[^/]+\/files\/?$/

let table: ApiRouteTable | undefined

export default defineEventHandler((event) => {
  const path = event.path
  if (!path.startsWith('/api')) return
  const req = event.node.req
  const method = (req.method ?? 'GET').toUpperCase()
  const pathname = path.includes('?') ? path.slice(0, path.indexOf('?')) : path
  if (!isApiPath(pathname)) return
  // /api itself matches no route, not even the catch-all: it would fall through to the page renderer.
  if (pathname === '/api' || pathname === '/api/') throw noSuchApiRoute()

  table ??= apiRouteTable(handlers)
  const allowed = table.allowed(pathname)
  if (allowed && !allowed.includes(method)) {
    setResponseHeader(event, 'allow', allowed.join(', '))
    throw methodNotAllowed(method, allowed.join(', '))
  }
  // HEAD is answered as GET (h3's router has no HEAD of its own); Node sends the headers without the body.
  if (method === 'HEAD' && allowed) {
    req.method = 'GET'
    event._method = 'GET'
  }

  if (!STATE_CHANGING_METHODS.has(method)) return
  const settings = useRequestSettings()
  if (isCrossSite(req, settings)) throw crossSiteRequest()
  // No route of that path: the catch-all's 404 follows, without reading a body.
  if (!allowed || !hasBody(req) || (method === 'POST' && MULTIPART_ROUTE.test(pathname))) return
  if (!isJson(req)) throw notJson()
  capJsonBody(event, settings.jsonBodyLimit)
})
