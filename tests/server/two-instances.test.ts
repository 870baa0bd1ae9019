import { randomInt, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthResponse } from '../../shared/types/api'
import { appEnv, fetch, password, sessionCookie, setupApp } from '../helpers/app'
import { expectApiError } from '../helpers/contract'
import { startSecondServer } from '../helpers/second-server'

// Two production server processes on one database, as behind a load balancer: what one instance decides about
// throttling and sessions, the other enforces, because both live in PostgreSQL.

const settings = { NUXT_TRUSTED_PROXIES: '1', NUXT_THROTTLE_ACCOUNT_LIMIT: '3' }
await setupApp(settings)

let second: Awaited<ReturnType<typeof startSecondServer>>
beforeAll(async () => {
  second = await startSecondServer(appEnv(settings))
})
afterAll(() => second?.stop())

/** The same request to instance A (the test-utils server) or B (the second process). */
const on = (instance: 'A' | 'B', path: string, init: RequestInit = {}) => instance === 'A' ? fetch(path, init) : globalThis.fetch(second.url(path), init)

const address = () => `198.19.${randomInt(256)}.${randomInt(1, 255)}`
const json = (from: string, extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'x-forwarded-for': from, ...extra })
const login = (instance: 'A' | 'B', from: string, email: string, pass: string) =>
  on(instance, '/api/auth/login', { method: 'POST', headers: json(from), body: JSON.stringify({ email, password: pass }) })

async function signUp(instance: 'A' | 'B') {
  const res = await on(instance, '/api/auth/sign-up', { method: 'POST', headers: json(address()), body: JSON.stringify({ email: `two-${randomUUID()}@example.com`, password }) })
  expect(res.status).toBe(201)
  return { ...(await res.json() as AuthResponse).user, cookie: sessionCookie(res) }
}

describe('two instances on one database', () => {
  it('a throttle reached through one instance is enforced by the other', async () => {
    const user = await signUp('A')
    const from = address()
    await expectApiError(login('A', from, user.email, 'wrong password'), 401)
    await expectApiError(login('B', from, user.email, 'wrong password'), 401)
    await expectApiError(login('A', from, user.email, 'wrong password'), 401)
    // The limit (3) was reached across both: each refuses even the right password.
    await expectApiError(login('B', from, user.email, password), 429, 'Too Many Requests')
    await expectApiError(login('A', from, user.email, password), 429, 'Too Many Requests')
    expect((await login('B', address(), user.email, password)).status).toBe(200)
  })

  it('a session revoked through one instance is refused by the other', async () => {
    const user = await signUp('A')
    const listing = `/api/users/${user.id}/chats`
    expect((await on('B', listing, { headers: { cookie: user.cookie } })).status).toBe(200)
    expect((await on('B', '/api/auth/logout', { method: 'POST', headers: { cookie: user.cookie } })).status).toBe(204)
    await expectApiError(on('A', listing, { headers: { cookie: user.cookie } }), 401)
    await expectApiError(on('A', '/api/_auth/session', { headers: { cookie: user.cookie } }), 401)
  })

  it('signing out everywhere on one instance ends sessions started on the other', async () => {
    const user = await signUp('B')
    const phone = sessionCookie(await login('A', address(), user.email, password))
    const res = await on('A', '/api/auth/sessions', { method: 'DELETE', headers: { cookie: phone } })
    expect(await res.json()).toEqual({ revoked: 2 })
    await expectApiError(on('B', `/api/users/${user.id}/chats`, { headers: { cookie: user.cookie } }), 401)
    await expectApiError(on('B', `/api/users/${user.id}/chats`, { headers: { cookie: phone } }), 401)
  })
})
