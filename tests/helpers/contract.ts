import { expect } from 'vitest'
import type { GetChatFilesError } from '../../shared/types/api'

/**
 * Asserts a response is an error in the contract's shape, {statusCode, statusMessage, data: {message}},
 * with nothing else in it, and returns the body.
 */
export async function expectApiError(response: Response | Promise<Response>, status: number | number[], statusMessage?: string): Promise<GetChatFilesError> {
  const res = await response
  const statuses = [status].flat()
  expect(statuses).toContain(res.status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = await res.json() as GetChatFilesError
  expect(Object.keys(body).sort()).toEqual(['data', 'statusCode', 'statusMessage'])
  expect(Object.keys(body.data)).toEqual(['message'])
  expect(body.statusCode).toBe(res.status)
  if (statusMessage) expect(body.statusMessage).toBe(statusMessage)
  expect(typeof body.data.message).toBe('string')
  expect(body.data.message.length).toBeGreaterThan(0)
  return body
}
