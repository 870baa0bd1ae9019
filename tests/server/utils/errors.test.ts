import { createError } from 'h3'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { bodyTooLarge, chatNotFound, crossSiteRequest, databaseUnavailable, databaseUnavailableReason, emailTaken, invalidCredentials, methodNotAllowed, notJson, signInRequired, toApiError, tooManyAttempts, userNotFound } from '../../../server/utils/errors'

/** What h3's validated readers (readValidatedBody, getValidatedRouterParams) throw for a failed zod parse. */
function asH3ValidationError(error: z.ZodError) {
  return createError({ status: 400, statusMessage: 'Validation Error', message: error.message, data: error })
}

describe('error factories', () => {
  it.each([
    ['chatNotFound', chatNotFound, 404, 'Not Found', 'Chat not found'],
    ['userNotFound', userNotFound, 404, 'Not Found', 'User not found'],
    ['invalidCredentials', invalidCredentials, 401, 'Unauthorized', 'Invalid credentials'],
    ['emailTaken', emailTaken, 409, 'Conflict', 'An account with this email already exists'],
  ] as const)('%s renders as %i %s: %s', (_, factory, statusCode, statusMessage, message) => {
    expect(toApiError(factory())).toStrictEqual({ statusCode, statusMessage, data: { message } })
  })

  it('makes a new error each call', () => {
    expect(chatNotFound()).not.toBe(chatNotFound())
  })
})

describe('toApiError', () => {
  it('gives exactly {statusCode, statusMessage, data: {message}}', () => {
    const body = toApiError(createError({ statusCode: 404, statusMessage: 'Not Found', data: { message: 'Gone', extra: 'x' }, stack: 'at x' }))
    expect(body).toStrictEqual({ statusCode: 404, statusMessage: 'Not Found', data: { message: 'Gone' } })
  })

  it('takes the status message from the status code, not from the error', () => {
    expect(toApiError(createError({ statusCode: 404, statusMessage: 'Nope' })).statusMessage).toBe('Not Found')
  })

  describe('unexpected faults say nothing about their cause', () => {
    const sqlMessage = 'insert into "users" ("email") values ($1) - duplicate key value violates unique constraint "users_email_key"'
    const stackMessage = 'ENOENT: no such file\n    at Object.openSync (node:fs:573:3)\n    at /work/main/server/utils/storage.ts:12:3'

    it.each([
      ['a plain Error with SQL in its message', new Error(sqlMessage)],
      ['a plain Error with a stack in its message', new Error(stackMessage)],
      ['an Error with a 500 status code', Object.assign(new Error(sqlMessage), { statusCode: 500 })],
    ])('%s', (_, error) => {
      expect(toApiError(error as never)).toStrictEqual({ statusCode: 500, statusMessage: 'Internal Server Error', data: { message: 'Internal Server Error' } })
    })

    it('an error h3 wrapped as unhandled, even with a message in data', () => {
      const error = createError({ statusCode: 500, message: sqlMessage, data: { message: sqlMessage } })
      error.unhandled = true
      expect(toApiError(error)).toStrictEqual({ statusCode: 500, statusMessage: 'Internal Server Error', data: { message: 'Internal Server Error' } })
    })

    it('a 5xx error without a message of its own in data', () => {
      expect(toApiError(createError({ statusCode: 503, message: stackMessage })))
        .toStrictEqual({ statusCode: 503, statusMessage: 'Service Unavailable', data: { message: 'Service Unavailable' } })
    })
  })

  it('a handled 5xx error keeps the message it chose for the client', () => {
    expect(toApiError(createError({ statusCode: 503, data: { message: 'Storage is unavailable, try again' } })))
      .toStrictEqual({ statusCode: 503, statusMessage: 'Service Unavailable', data: { message: 'Storage is unavailable, try again' } })
  })

  it('a zod validation error, as h3 wraps it, names each path and problem', () => {
    const schema = z.object({
      email: z.email('must be a valid email address'),
      password: z.string().min(10, 'must be at least 10 characters'),
      tags: z.array(z.object({ name: z.string().min(1, 'is required') })),
    })
    const result = schema.safeParse({ email: 'nope', password: 'short', tags: [{ name: 'ok' }, { name: '' }] })
    expect(result.success).toBe(false)
    expect(toApiError(asH3ValidationError(result.error!))).toStrictEqual({
      statusCode: 400,
      statusMessage: 'Bad Request',
      data: { message: 'email: must be a valid email address; password: must be at least 10 characters; tags.1.name: is required' },
    })
  })

  it('a zod issue at the root has no path in the message', () => {
    const result = z.string().min(3, 'is too short').safeParse('ab')
    expect(toApiError(asH3ValidationError(result.error!)).data.message).toBe('is too short')
  })

  it.each([
    ['a redirect', 302],
    ['a success', 200],
    ['a code above 599', 600],
    ['zero', 0],
  ])('turns a status code out of the error range (%s) into 500', (_, statusCode) => {
    expect(toApiError({ statusCode, message: 'leak' })).toStrictEqual({ statusCode: 500, statusMessage: 'Internal Server Error', data: { message: 'Internal Server Error' } })
  })

  it('a 401 without data asks to sign in', () => {
    // What nuxt-auth-utils' requireUserSession throws.
    expect(toApiError(createError({ statusCode: 401, message: 'Unauthorized' })))
      .toStrictEqual({ statusCode: 401, statusMessage: 'Unauthorized', data: { message: 'Sign in required' } })
  })

  it('a 4xx error without data uses its message, or the status message when it has none', () => {
    expect(toApiError(createError({ statusCode: 400, message: 'Body must be JSON' })).data.message).toBe('Body must be JSON')
    expect(toApiError(createError({ statusCode: 404 })).data.message).toBe('Not Found')
  })

  it('a 4xx code Node has no name for gets "Error"', () => {
    expect(toApiError(createError({ statusCode: 499 })).statusMessage).toBe('Error')
  })
})

describe('databaseUnavailableReason', () => {
  it('recognises the errors Prisma gives for a database nobody answers, in a model query, a raw query and a transaction', async () => {
    const { createPrismaClient } = await import('../../../server/utils/prisma')
    const prisma = createPrismaClient('postgresql://app:s3cret-pw@127.0.0.1:9/none', { max: 1 })
    try {
      const errors = await Promise.all([
        prisma.user.findFirst().catch((e: unknown) => e),
        prisma.$queryRaw`SELECT 1`.catch((e: unknown) => e),
        prisma.$transaction(tx => tx.user.count()).catch((e: unknown) => e),
      ])
      for (const error of errors) {
        const reason = databaseUnavailableReason(error)
        expect(reason).toMatch(/^P\d{4}( \w+)?$/)
        expect(reason).not.toMatch(/s3cret|127\.0\.0\.1/)
        // As h3 wraps what a handler throws.
        expect(databaseUnavailableReason(createError({ statusCode: 500, cause: error }))).toBe(reason)
      }
    }
    finally {
      await prisma.$disconnect()
    }
  })

  it('recognises the error the hot path\'s statements get from the pool, and as h3 wraps it', async () => {
    const { createDatabase, preparedStatement } = await import('../../../server/utils/prisma')
    const db = createDatabase('postgresql://app:s3cret-pw@127.0.0.1:9/none', { max: 1 })
    try {
      const error = await db.sql(preparedStatement('errors_test_one', 'SELECT 1'), []).catch((e: unknown) => e)
      expect(databaseUnavailableReason(error)).toBe('ECONNREFUSED')
      // A handler's throw becomes an H3Error whose cause is the error thrown.
      expect(databaseUnavailableReason(createError(error as Error))).toBe('ECONNREFUSED')
    }
    finally {
      await db.prisma.$disconnect()
    }
  })

  it('recognises a connection the server closes mid-statement (a restart), which pg reports without a code', async () => {
    const { createServer } = await import('node:net')
    const { createDatabase, preparedStatement } = await import('../../../server/utils/prisma')
    // A "database" that accepts the connection and hangs up on it at once.
    const server = createServer(socket => socket.destroy())
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const db = createDatabase(`postgresql://app:s3cret-pw@127.0.0.1:${(server.address() as { port: number }).port}/none`, { max: 1 })
    try {
      const error = await db.sql(preparedStatement('errors_test_two', 'SELECT 2'), []).catch((e: unknown) => e)
      expect((error as Error).message).toMatch(/^Connection terminated/)
      expect(databaseUnavailableReason(createError(error as Error))).toBe((error as Error).message)
      expect(databaseUnavailableReason(new Error('Connection terminated by a user-defined check'))).toBeUndefined()
    }
    finally {
      await db.prisma.$disconnect()
      server.close()
    }
  })

  it('recognises driver and server codes for connections refused, dropped or not yet accepted', () => {
    expect(databaseUnavailableReason(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED')
    expect(databaseUnavailableReason({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } } })).toBe('P2010 ConnectionClosed')
    expect(databaseUnavailableReason({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P03' } } } })).toBe('SQLSTATE 57P03')
    expect(databaseUnavailableReason({ code: '57P01' })).toBe('SQLSTATE 57P01')
  })

  it('leaves every other error alone: bugs and bad queries stay 500s with their stack in the log', () => {
    expect(databaseUnavailableReason(new Error('boom'))).toBeUndefined()
    expect(databaseUnavailableReason({ code: 'P2002' })).toBeUndefined()
    expect(databaseUnavailableReason({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '42P01' } } } })).toBeUndefined()
    expect(databaseUnavailableReason(chatNotFound())).toBeUndefined()
    expect(databaseUnavailableReason(undefined)).toBeUndefined()
    // A cause chain that loops ends.
    const a: { cause?: unknown } = {}
    a.cause = { cause: a }
    expect(databaseUnavailableReason(a)).toBeUndefined()
  })
})

describe('the security errors', () => {
  it.each([
    [signInRequired(), 401, 'Unauthorized', 'Sign in required'],
    [tooManyAttempts(1), 429, 'Too Many Requests', 'Too many attempts; try again in 1 second'],
    [tooManyAttempts(30), 429, 'Too Many Requests', 'Too many attempts; try again in 30 seconds'],
    [tooManyAttempts(900), 429, 'Too Many Requests', 'Too many attempts; try again in 15 minutes'],
    [crossSiteRequest(), 403, 'Forbidden', 'Cross-site requests are not accepted'],
    [methodNotAllowed('PUT', 'GET, HEAD'), 405, 'Method Not Allowed', 'PUT is not supported here (allowed: GET, HEAD)'],
    [notJson(), 415, 'Unsupported Media Type', 'Send the body as JSON, with Content-Type: application/json'],
    [bodyTooLarge(65536), 413, 'Payload Too Large', 'The request body is larger than the limit of 64 KiB'],
    [databaseUnavailable(), 503, 'Service Unavailable', 'The service is temporarily unavailable; please retry shortly'],
  ] as const)('%#: %i %s', (error, statusCode, statusMessage, message) => {
    expect(toApiError(error)).toStrictEqual({ statusCode, statusMessage, data: { message } })
  })
})
