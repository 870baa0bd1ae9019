import { randomUUID } from 'node:crypto'
import { Hash } from '@adonisjs/hash'
import { Scrypt } from '@adonisjs/hash/drivers/scrypt'
import { describe, expect, it } from 'vitest'
import { fetch, password, sessionCookie, setupApp, signUpUser, useServices } from '../../../helpers/app'
import { expectApiError } from '../../../helpers/contract'

await setupApp()
const { prisma } = useServices()

const login = (body: unknown) => fetch('/api/auth/login', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('POST /api/auth/login', () => {
  it('answers 200 {user} with a session cookie that identifies the user', async () => {
    const user = await signUpUser()
    const res = await login({ email: user.email.toUpperCase(), password })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ user: { id: user.id, email: user.email } })
    const session = await fetch('/api/_auth/session', { headers: { cookie: sessionCookie(res) } }).then(r => r.json())
    expect(session.user).toEqual({ id: user.id, email: user.email })
  })

  it('gives a wrong password and an unknown email the very same 401', async () => {
    const user = await signUpUser()
    const wrongPassword = await login({ email: user.email, password: 'not the password' })
    const unknownEmail = await login({ email: `nobody-${randomUUID()}@example.com`, password })
    const expected = { statusCode: 401, statusMessage: 'Unauthorized', data: { message: 'Invalid credentials' } }
    expect(await expectApiError(wrongPassword, 401)).toEqual(expected)
    expect(await expectApiError(unknownEmail, 401)).toEqual(expected)
    expect(wrongPassword.headers.getSetCookie().some(c => c.startsWith('neptun-session=') && !/Max-Age=0/i.test(c))).toBe(false)
  })

  it('accepts hashes made outside the app with the same scrypt hasher (as the seed makes them)', async () => {
    const email = `seeded-${randomUUID()}@example.com`
    await prisma.user.create({ data: { email, passwordHash: await new Hash(new Scrypt({})).make('demo-password-123') } })
    expect((await login({ email, password: 'demo-password-123' })).status).toBe(200)
  })

  it('answers 400 for a malformed body', async () => {
    await expectApiError(login({ email: 'x' }), 400, 'Bad Request')
  })
})
