import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { AuthResponse } from '../../../../shared/types/api'
import { fetch, password, sessionCookie, setupApp, useServices } from '../../../helpers/app'
import { expectApiError } from '../../../helpers/contract'

await setupApp()
const { prisma } = useServices()

const signUp = (body: unknown) => fetch('/api/auth/sign-up', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

describe('POST /api/auth/sign-up', () => {
  it('creates the user, answers 201 {user} and starts a session in the neptun-session cookie', async () => {
    const email = `New.User-${randomUUID()}@Example.com`
    const res = await signUp({ email: `  ${email} `, password })
    expect(res.status).toBe(201)
    const body = await res.json() as AuthResponse
    expect(body).toEqual({ user: { id: expect.any(String), email: email.toLowerCase() } })

    const cookie = res.headers.getSetCookie().find(c => c.startsWith('neptun-session='))!
    expect(cookie).toMatch(/; HttpOnly/i)
    expect(cookie).toMatch(/; SameSite=Lax/i)
    // The production build marks the cookie Secure; the lifetime is bounded (7 days by default).
    expect(cookie).toMatch(/; Secure/i)
    const expires = Date.parse(/; Expires=([^;]+)/i.exec(cookie)![1]!)
    expect(Math.abs(expires - (Date.now() + 604800_000))).toBeLessThan(60_000)

    const session = await fetch('/api/_auth/session', { headers: { cookie: sessionCookie(res) } }).then(r => r.json())
    expect(session.user).toEqual(body.user)

    const stored = await prisma.user.findUniqueOrThrow({ where: { email: email.toLowerCase() } })
    expect(stored.passwordHash).not.toContain(password)
    expect(stored.passwordHash).toMatch(/^\$scrypt\$/)
  })

  it('answers 409 for an email that is taken, whatever its case, and changes nothing', async () => {
    const email = `taken-${randomUUID()}@example.com`
    expect((await signUp({ email, password })).status).toBe(201)
    const before = await prisma.user.findUniqueOrThrow({ where: { email } })
    const res = await signUp({ email: email.toUpperCase(), password: 'another password 123' })
    const body = await expectApiError(res, 409, 'Conflict')
    expect(body.data.message).toMatch(/already exists/)
    expect(res.headers.getSetCookie().some(c => c.startsWith('neptun-session='))).toBe(false)
    expect(await prisma.user.findUniqueOrThrow({ where: { email } })).toEqual(before)
  })

  it('answers 400 saying what is wrong, and creates nothing', async () => {
    const email = `weak-${randomUUID()}@example.com`
    const cases: [unknown, RegExp][] = [
      [{ email, password: 'short' }, /password: must be at least 10 characters/],
      [{ email, password: 'aaaaaaaaaaaaaaaa' }, /password: is too repetitive/],
      [{ email, password: 'x'.repeat(1025) }, /password: is too long/],
      [{ email: 'not-an-email', password }, /email: must be a valid email address/],
      [{ email: `${'a'.repeat(250)}@example.com`, password }, /email/],
      [{ password }, /email/],
      [{ email }, /password/],
      [{}, /email.*password|password.*email/],
      ['{not json', /./],
      [[1, 2], /./],
    ]
    for (const [body, message] of cases) {
      const error = await expectApiError(signUp(body), 400, 'Bad Request')
      expect(error.data.message).toMatch(message)
    }
    expect(await prisma.user.count({ where: { email } })).toBe(0)
  })
})
