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
