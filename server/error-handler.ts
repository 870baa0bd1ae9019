import { getRequestURL, send, setResponseHeaders, setResponseStatus } from 'h3'
import { defineNitroErrorHandler } from 'nitropack/runtime'
import { toApiError } from './utils/errors'

// Every /api error leaves in the contract's shape {statusCode, statusMessage, data: {message}}.
// Nitro's default body lacks `data` for errors thrown by libraries (requireUserSession, h3's validators),
// and would carry stack traces in development. Pages keep Nuxt's own error page (next handler in the chain).
export default defineNitroErrorHandler((error, event) => {
  if (!getRequestURL(event).pathname.startsWith('/api/')) return

  const body = toApiError(error)
  // Faults are logged here, on the server, and never described to the client.
  if (body.statusCode >= 500) console.error('[api]', event.method, event.path, error)

  setResponseStatus(event, body.statusCode, body.statusMessage)
  setResponseHeaders(event, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'private, no-store',
  })
  return send(event, JSON.stringify(body))
})
