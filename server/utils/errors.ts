import { STATUS_CODES } from 'node:http'
import type { H3Error } from 'h3'
import { createError } from 'h3'
import type { ApiError } from '#shared/types/api'
import { formatBytes } from '../../shared/utils/files'

// Errors the routes reuse, defined once so their wording never drifts between routes.
// The error handler (server/error-handler.ts) renders every error as {statusCode, statusMessage, data: {message}}.

function apiError(statusCode: number, statusMessage: string, message: string) {
  return createError({ statusCode, statusMessage, message, data: { message } })
}

/** Someone else's chat and a missing chat must be indistinguishable, so both are this error. */
export const chatNotFound = () => apiError(404, 'Not Found', 'Chat not found')

/** A user_id in the path that is not the session's own user. */
export const userNotFound = () => apiError(404, 'Not Found', 'User not found')

/** Same answer for an unknown email and a wrong password: no user enumeration. */
export const invalidCredentials = () => apiError(401, 'Unauthorized', 'Invalid credentials')

/** A path under /api that no route serves. */
export const noSuchApiRoute = () => apiError(404, 'Not Found', 'No such API route')

/** /api itself and every path under it: they answer in the API's error shape, never with a page. */
export const isApiPath = (pathname: string) => pathname === '/api' || pathname.startsWith('/api/')

export const fileNotFound = () => apiError(404, 'Not Found', 'File not found')

/** Not an image, or one that cannot be read: the web UI shows the file's type icon instead. */
export const noThumbnail = () => apiError(404, 'Not Found', 'This file has no thumbnail')

export const fileTooLarge = (maxBytes: number) => apiError(413, 'Payload Too Large', `File is larger than the limit of ${formatBytes(maxBytes)}`)

export const tooManyFiles = (max: number) => apiError(413, 'Payload Too Large', `A chat can hold at most ${max} files`)

export const unsupportedType = (type: string, allowed: string) =>
  apiError(415, 'Unsupported Media Type', `Files of type ${type} are not accepted (allowed: ${allowed})`)

/** The object was not (yet) PUT to its presigned URL. */
export const uploadNotReceived = () => apiError(409, 'Conflict', 'The file has not been uploaded to its URL yet')

export const uploadMismatch = (what: string) => apiError(422, 'Unprocessable Entity', `The uploaded file does not match what was declared: ${what}; it was discarded`)

/** Storage could not be reached: nothing was written. */
export const storageUnavailable = () => apiError(503, 'Service Unavailable', 'File storage is unavailable; nothing was changed, please retry')

/** Uploads through the server take multipart/form-data only. */
export const notMultipart = () => apiError(415, 'Unsupported Media Type', 'Send files as multipart/form-data, one part named "file" per file (curl -F file=@report.pdf)')

/** A multipart upload that cannot be accepted as sent (no file, an unexpected part, a malformed body). */
export const badUpload = (message: string) => apiError(400, 'Bad Request', message)

/** A request whose declared length exceeds what `files` files within the size limit could take. */
export const requestTooLarge = (files: number, maxBytes: number) =>
  apiError(413, 'Payload Too Large', `The request is larger than ${files} file${files === 1 ? '' : 's'} of at most ${formatBytes(maxBytes)} each, all this chat can still take`)

export const emailTaken = () => apiError(409, 'Conflict', 'An account with this email already exists')

/** No session, or one that was revoked, went idle or outlived its lifetime. */
export const signInRequired = () => apiError(401, 'Unauthorized', 'Sign in required')

/** Too many attempts from this client (or for this account from it); the caller sets Retry-After. */
export const tooManyAttempts = (retryAfterSeconds: number) =>
  apiError(429, 'Too Many Requests', `Too many attempts; try again in ${describeWait(retryAfterSeconds)}`)

/** A state-changing request that a browser says comes from another site. */
export const crossSiteRequest = () => apiError(403, 'Forbidden', 'Cross-site requests are not accepted')

/** The path exists but not with this method; the caller sets Allow. */
export const methodNotAllowed = (method: string, allow: string) => apiError(405, 'Method Not Allowed', `${method} is not supported here (allowed: ${allow})`)

/** JSON routes read application/json only: form posts cannot reach them. */
export const notJson = () => apiError(415, 'Unsupported Media Type', 'Send the body as JSON, with Content-Type: application/json')

export const bodyTooLarge = (limit: number) => apiError(413, 'Payload Too Large', `The request body is larger than the limit of ${formatBytes(limit)}`)

/** The database cannot be reached: nothing was done, the client may retry (the caller sets Retry-After). */
export const databaseUnavailable = () => apiError(503, 'Service Unavailable', 'The service is temporarily unavailable; please retry shortly')

/** The current password given to change it is wrong. */
export const wrongPassword = () => apiError(403, 'Forbidden', 'The current password is not correct')

export const sessionNotFound = () => apiError(404, 'Not Found', 'Session not found')

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`
  return `${Math.ceil(seconds / 60)} minutes`
}

/** Any thrown value as the contract's error body. Unexpected faults say nothing about their cause. */
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

/** Seconds a client is asked to wait (Retry-After) when the database cannot be reached. */
export const DATABASE_RETRY_AFTER = 5

// Prisma's codes and the pg driver adapter's error kinds for a database that cannot be reached or used
// right now (refused, dropped, timed out, starting up, out of connections), as opposed to a bad query.
const UNAVAILABLE_CODES = new Set(['P1000', 'P1001', 'P1002', 'P1003', 'P1008', 'P1011', 'P1017', 'P2024', 'P2037'])
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError', 'DatabaseDoesNotExist', 'DatabaseAccessDenied', 'AuthenticationFailed'])
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'])
// PostgreSQL SQLSTATEs: connection exceptions (08…), shutting down or starting up (57P01–57P03), too many connections.
const UNAVAILABLE_SQLSTATE = /^(?:08\w{3}|57P0[1-3]|53300)$/
// pg's own errors that carry no code: the server closed the socket (a restart), or no connection came in time.
const UNAVAILABLE_PG_MESSAGES = /^(?:Connection terminated(?: unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect)$/

/**
 * Why the database cannot be reached, in a few words (such as `P1001 DatabaseNotReachable`), when `error`
 * (or an error it wraps) says so; undefined for any other error. Safe to log: no host, user or SQL.
 */
export function databaseUnavailableReason(error: unknown): string | undefined {
  const seen = new Set<unknown>()
  type AdapterError = { cause?: { kind?: unknown, code?: unknown } }
  let current = error as { code?: unknown, cause?: unknown, driverAdapterError?: AdapterError, meta?: { driverAdapterError?: AdapterError } } | undefined
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current)
    // Prisma puts the pg adapter's error on the error itself, or in `meta` for raw queries; statements run on
    // the pool directly (server/utils/prisma.ts) throw pg's own error, with a Node or SQLSTATE code.
    const adapter = current.driverAdapterError ?? current.meta?.driverAdapterError
    const kind = adapter?.cause?.kind
    const sqlState = adapter?.cause?.code
    const code = typeof current.code === 'string' ? current.code : undefined
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return [code, kind].filter(Boolean).join(' ')
    if (kind === 'postgres' && typeof sqlState === 'string' && UNAVAILABLE_SQLSTATE.test(sqlState)) return `SQLSTATE ${sqlState}`
    if (code && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) return code
    if (code && UNAVAILABLE_SQLSTATE.test(code)) return `SQLSTATE ${code}`
    if (!code && current instanceof Error && UNAVAILABLE_PG_MESSAGES.test(current.message)) return current.message
    current = current.cause as typeof current
  }
  return undefined
}
