import { getRequestURL, send, setResponseHeaders, setResponseStatus } from 'h3'
import { defineNitroErrorHandler } from 'nitropack/runtime'
import { DATABASE_RETRY_AFTER, databaseUnavailable, databaseUnavailableReason, isApiPath, toApiError } from './utils/errors'

// Every /api error leaves in the contract's shape {statusCode, statusMessage, data: {message}}.
// Nitro's default body lacks `data` for errors thrown by libraries (requireUserSession, h3's validators),
// and would carry stack traces in development. Pages keep Nuxt's own error page (next handler in the chain).
export default defineNitroErrorHandler((error, event) => {
  if (!isApiPath(getRequestURL(event).pathname)) return

  // An unreachable database is an outage, not a bug: 503 with Retry-After, and one line in the log per
  // failed request instead of a stack trace (a database restart under load would otherwise flood the log).
  const unavailable = databaseUnavailableReason(error)
  const body = toApiError(unavailable ? databaseUnavailable() : error)
  if (unavailable) console.error(`[api] ${event.method} ${getRequestURL(event).pathname} 503: database unavailable (${unavailable})`)
  // Faults are logged here, on the server, and never described to the client.
  else if (body.statusCode >= 500) console.error('[api]', event.method, event.path, error)

  setResponseStatus(event, body.statusCode, body.statusMessage)
  setResponseHeaders(event, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'private, no-store',
    ...(unavailable ? { 'retry-after': DATABASE_RETRY_AFTER } : {}),
  })
  return send(event, JSON.stringify(body))
})
