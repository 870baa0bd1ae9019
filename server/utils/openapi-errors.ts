import { createError } from 'h3'
import type { H3Error } from 'h3'
import type { z } from 'zod'
import type { ApiError } from '#shared/types/api'
import * as errors from './errors'
import { useUploadLimits } from './files'
import { STATE_CHANGING_METHODS, useRequestSettings } from './requests'
import { useThrottleSettings } from './throttle'

// The error responses of the OpenAPI document, written once: what each reused error of server/utils/errors.ts
// means for a client, and its example, made by that very error (so the wording cannot drift), with the limits
// in force. Routes name the errors they throw; the statuses every route of a kind answers are added for them
// (operationErrors).

export type ErrorFactory = (...args: never[]) => H3Error

interface ErrorDoc {
  description: string
  /** The error as thrown, with sample arguments where it takes some. */
  example: () => H3Error
  headers?: Record<string, string>
}


/** Each error a route may name, keyed by its name in server/utils/errors.ts. */
const errorDocs: Record<string, ErrorDoc & { error: ErrorFactory }> = {
  signInRequired: { error: errors.signInRequired, example: errors.signInRequired, description: 'Unauthorized (invalid or missing session): no `neptun-session` cookie, or its session was signed out, was idle longer than NUXT_SESSION_IDLE_TIMEOUT or is older than NUXT_SESSION_MAX_AGE.' },
  invalidCredentials: { error: errors.invalidCredentials, example: errors.invalidCredentials, description: 'Unknown email or wrong password, answered alike.' },
  wrongPassword: { error: errors.wrongPassword, example: errors.wrongPassword, description: 'The current password is not correct.' },
  crossSiteRequest: { error: errors.crossSiteRequest, example: errors.crossSiteRequest, description: 'A browser marked the request as coming from another site (`Sec-Fetch-Site`, or an `Origin` other than the app\'s own); nothing was done.' },
  chatNotFound: { error: errors.chatNotFound, example: errors.chatNotFound, description: 'Chat or user not found: a missing chat, someone else\'s chat and a user_id that is not yours are answered alike.' },
  userNotFound: { error: errors.userNotFound, example: errors.userNotFound, description: 'user_id is not the signed-in user\'s id.' },
  fileNotFound: { error: errors.fileNotFound, example: errors.fileNotFound, description: 'No such file in a chat of yours (also for a user_id that is not yours, and for a file deleted meanwhile).' },
  noThumbnail: { error: errors.noThumbnail, example: errors.noThumbnail, description: 'The file has no thumbnail: it is not a JPEG, PNG, WebP, GIF, AVIF or TIFF image, or cannot be read as one.' },
  sessionNotFound: { error: errors.sessionNotFound, example: errors.sessionNotFound, description: 'No session of yours with this id is still active.' },
  emailTaken: { error: errors.emailTaken, example: errors.emailTaken, description: 'An account with this email already exists.' },
  uploadNotReceived: { error: errors.uploadNotReceived, example: errors.uploadNotReceived, description: 'Nothing has been uploaded to the URL yet; upload, then call again.' },
  uploadMismatch: { error: errors.uploadMismatch, example: () => errors.uploadMismatch('10 bytes arrived, 12 were declared'), description: 'The upload does not match the declared size, type or SHA-256; it was discarded, start again.' },
  badUpload: { error: errors.badUpload, example: () => errors.badUpload('No file in the request: send each file as a part named "file" (curl -F file=@path)'), description: 'No `file` part, a part that is not a file or has no valid Content-Type, an unexpected part, or a malformed body.' },
  fileTooLarge: { error: errors.fileTooLarge, example: () => errors.fileTooLarge(useUploadLimits().maxBytes), description: 'The file is larger than NUXT_UPLOAD_MAX_BYTES.' },
  tooManyFiles: { error: errors.tooManyFiles, example: () => errors.tooManyFiles(useUploadLimits().maxFilesPerChat), description: 'The chat already holds NUXT_UPLOAD_MAX_FILES_PER_CHAT files, pending uploads included.' },
  requestTooLarge: { error: errors.requestTooLarge, example: () => errors.requestTooLarge(3, useUploadLimits().maxBytes), description: 'The declared Content-Length exceeds what the files the chat can still take could need; refused before a byte is read.' },
  bodyTooLarge: { error: errors.bodyTooLarge, example: () => errors.bodyTooLarge(useRequestSettings().jsonBodyLimit), description: 'The JSON body is larger than NUXT_JSON_BODY_LIMIT; refused before it is read, and the connection is closed.' },
  unsupportedType: { error: errors.unsupportedType, example: () => errors.unsupportedType('text/html', useUploadLimits().allowedTypes || 'image/*,application/pdf'), description: 'The file\'s type is not in NUXT_UPLOAD_ALLOWED_TYPES.' },
  notJson: { error: errors.notJson, example: errors.notJson, description: 'A request body was sent that is not `application/json`.' },
  notMultipart: { error: errors.notMultipart, example: errors.notMultipart, description: 'The body is not `multipart/form-data`.' },
  methodNotAllowed: { error: errors.methodNotAllowed, example: () => errors.methodNotAllowed('PUT', 'GET, HEAD'), description: 'The path does not serve this method; `Allow` names those it serves (HEAD wherever GET is).', headers: { Allow: 'The methods this path serves.' } },
  tooManyAttempts: { error: errors.tooManyAttempts, example: () => errors.tooManyAttempts(useThrottleSettings().accountWindow), description: 'Too many attempts from this client address (for this account, or for any); nothing was checked, not even a right password.', headers: { 'Retry-After': 'Seconds to wait before trying again.' } },
  databaseUnavailable: { error: errors.databaseUnavailable, example: errors.databaseUnavailable, description: 'The database cannot be reached; nothing was done, retry after `Retry-After` seconds.', headers: { 'Retry-After': 'Seconds to wait before trying again (when the database cannot be reached).' } },
  storageUnavailable: { error: errors.storageUnavailable, example: errors.storageUnavailable, description: 'File storage cannot be reached (or no valid storage credentials can be had); nothing was changed, retry later.' },
}

const byFactory = new Map(Object.entries(errorDocs).map(([name, doc]) => [doc.error, { name, ...doc }]))

/** What the docs say of `error`; a route naming an error nobody described fails the document's build. */
export function describeError(error: ErrorFactory) {
  const doc = byFactory.get(error)
  if (!doc) throw new Error(`OpenAPI: describe ${error.name || 'this error'} in server/utils/openapi-errors.ts`)
  return doc
}

/** The body the error handler sends for `error` (server/error-handler.ts renders it the same way). */
export const errorBody = (error: Partial<H3Error>): ApiError => errors.toApiError(error)

/** How a route is reached, as far as the statuses every route of its kind answers go. */
export interface RouteKind {
  method: string
  /** Its path serves these methods: the example of its 405. */
  allowed: string[]
  session: boolean | 'optional'
  database: boolean
  /** Takes multipart/form-data: exempt from the JSON checks (it checks its own type and sizes). */
  multipart: boolean
}

/**
 * The errors any route of this kind can answer besides its own: 405 on every path (the guard); 401 where a
 * session is required; 403 for cross-site state changes and, unless the route takes multipart, 415 and 413
 * for bodies that are not JSON or too large (the guard, before the route runs); 503 wherever the database
 * is used (server/error-handler.ts).
 */
export function implicitErrors(kind: RouteKind): { error: ErrorFactory, example?: () => H3Error }[] {
  const method = kind.method.toUpperCase()
  const allow = kind.allowed.join(', ')
  const other = ['PUT', 'PATCH', 'DELETE', 'POST', 'GET'].find(m => !kind.allowed.includes(m)) ?? 'PROPFIND'
  return [
    ...(kind.session === true ? [{ error: errors.signInRequired }] : []),
    ...(STATE_CHANGING_METHODS.has(method) ? [{ error: errors.crossSiteRequest }] : []),
    ...(STATE_CHANGING_METHODS.has(method) && !kind.multipart ? [{ error: errors.bodyTooLarge }, { error: errors.notJson }] : []),
    { error: errors.methodNotAllowed, example: () => errors.methodNotAllowed(other, allow) },
    ...(kind.database ? [{ error: errors.databaseUnavailable }] : []),
  ]
}

/**
 * The 400s a route's own validation gives for plainly wrong requests, made by its own schemas: path parameters
 * of '0' (or, if that passes, far too long), a query parameter of 'x', each body field empty.
 */
export function exampleValidationErrors(schemas: { params?: z.ZodObject, query?: z.ZodObject, body?: z.ZodType }) {
  const attempts: [string, z.ZodType | undefined, unknown[]][] = [
    ['invalidPath', schemas.params, [fill(schemas.params, '0'), fill(schemas.params, 'x'.repeat(1000))]],
    ['invalidQuery', schemas.query, [fill(schemas.query, 'x')]],
    ['invalidBody', schemas.body, [fill(schemas.body as z.ZodObject | undefined, '')]],
  ]
  return attempts.flatMap(([name, schema, inputs]) => {
    const failed = inputs.map(input => schema?.safeParse(input)).find(result => result && !result.success)
    return failed ? [{ name, example: createError({ statusCode: 400, data: failed.error }) }] : []
  })
}

function fill(schema: z.ZodObject | undefined, value: string) {
  return schema && 'shape' in schema ? Object.fromEntries(Object.keys(schema.shape).map(key => [key, value])) : value
}

export const validationErrorDoc = 'The path, query or body is not valid: the message names each field that is wrong and why.'
export const serverErrorDoc = { description: 'Server error. The message says nothing about the cause, which is logged on the server.', example: () => createError({ statusCode: 500 }) }
