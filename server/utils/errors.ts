import { createError } from 'h3'

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

export const emailTaken = () => apiError(409, 'Conflict', 'An account with this email already exists')
