import { STATUS_CODES } from 'node:http'
import type { H3Error } from 'h3'
import { getRequestURL, send, setResponseHeaders, setResponseStatus } from 'h3'
import { defineNitroErrorHandler } from 'nitropack/runtime'
import type { ApiError } from '#shared/types/api'

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

export function toApiError(error: Partial<H3Error>): ApiError {
  const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode <= 599 ? error.statusCode : 500
  const statusMessage = STATUS_CODES[statusCode] ?? 'Error'
  return { statusCode, statusMessage, data: { message: describe(error, statusCode, statusMessage) } }
}

function describe(error: Partial<H3Error>, statusCode: number, statusMessage: string): string {
  // Unexpected faults may carry SQL, paths or secrets in their message: say nothing specific.
  if (statusCode >= 500 && (error.unhandled || !hasOwnMessage(error.data))) return statusMessage
  if (hasOwnMessage(error.data)) return error.data.message
  const issues = zodIssues(error.data)
  if (issues) return issues
  if (statusCode === 401) return 'Sign in required'
  if (statusCode === 404 && error.message?.startsWith('Cannot find any path')) return 'No such API route'
  return error.message || statusMessage
}

function hasOwnMessage(data: unknown): data is { message: string } {
  return typeof data === 'object' && data !== null && !('issues' in data)
    && typeof (data as { message?: unknown }).message === 'string'
}

// h3's validated readers put the validator's error in `data`; zod's issues say what was wrong and where.
function zodIssues(data: unknown): string | undefined {
  const issues = (data as { issues?: { path: PropertyKey[], message: string }[] } | undefined)?.issues
  if (!Array.isArray(issues) || issues.length === 0) return undefined
  return issues.map(i => (i.path.length ? `${i.path.map(String).join('.')}: ` : '') + i.message).join('; ')
}
