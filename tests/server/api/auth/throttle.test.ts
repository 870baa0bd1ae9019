import { randomInt, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { AuthResponse } from '../../../../shared/types/api'
import { fetch, password, sessionCookie, setupApp, useServices } from '../../../helpers/app'
import { expectApiError } from '../../../helpers/contract'

// Small limits, and one proxy in front (NUXT_TRUSTED_PROXIES=1), so each test is a client of its own address
// (X-Forwarded-For) and counters other test files leave on 127.0.0.1 play no part.
await setupApp({
  NUXT_TRUSTED_PROXIES: '1',
  NUXT_THROTTLE_ACCOUNT_LIMIT: '3',
  NUXT_THROTTLE_ADDRESS_LIMIT: '8',
  NUXT_THROTTLE_SIGN_UP_LIMIT: '3',
})
const { prisma } = useServices()

const newAddress = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`
const json = (address: string, extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'x-forwarded-for': address, ...extra })

const login = (address: string, email: string, pass: string) =>
  fetch('/api/auth/login', { method: 'POST', headers: json(address), body: JSON.stringify({ email, password: pass }) })

async function signUp(address: string, email = `t-${randomUUID()}@example.com`) {
  const res = await fetch('/api/auth/sign-up', { method: 'POST', headers: json(address), body: JSON.stringify({ email, password }) })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status}`)
  return { ...(await res.json() as AuthResponse).user, cookie: sessionCookie(res) }
}

/** A 429 in the contract's shape with a Retry-After within the window; returns the seconds. */
async function expectThrottled(response: Promise<Response>, window = 900) {
  const res = await response
  const retryAfter = Number(res.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThan(0)
  expect(retryAfter).toBeLessThanOrEqual(window)
  const body = await expectApiError(res, 429, 'Too Many Requests')
  expect(body.data.message).toMatch(/^Too many attempts; try again in \d+ (seconds?|minutes)$/)
  expect(res.headers.getSetCookie().some(c => c.startsWith('neptun-session=') && !c.startsWith('neptun-session=;'))).toBe(false)
  return retryAfter
}

describe('sign-in throttling', () => {
  it('after the account\'s limit of failures from an address, even the right password gets 429 there, but not from another address', async () => {
    const address = newAddress()
    const user = await signUp(address)
    for (let i = 0; i < 3; i++) await expectApiError(login(address, user.email, 'wrong password'), 401)
    await expectThrottled(login(address, user.email, password))
    await expectThrottled(login(address, user.email.toUpperCase(), password))
    // The owner elsewhere is not locked out by what happened at this address.
    expect((await login(newAddress(), user.email, password)).status).toBe(200)
  })

  it('a client guessing across many accounts is throttled by its address', async () => {
    const address = newAddress()
    const user = await signUp(newAddress())
    for (let i = 0; i < 8; i++) await expectApiError(login(address, `nobody-${randomUUID()}@example.com`, 'guess'), 401)
    await expectThrottled(login(address, `nobody-${randomUUID()}@example.com`, 'guess'))
    await expectThrottled(login(address, user.email, password))
  })

  it('a success forgives the account\'s failures and does not use up the address\'s allowance', async () => {
    const address = newAddress()
    const user = await signUp(address)
    // 6 failures and 3 successes: were successes counted, the address (limit 8) would be over by the last one;
    // were the account's failures not forgiven, it (limit 3) would be over in the second round.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) await expectApiError(login(address, user.email, 'wrong password'), 401)
      expect((await login(address, user.email, password)).status).toBe(200)
    }
    // Failures 7 and 8 are the address's last; the next attempt, whatever the account, is refused.
    for (let i = 0; i < 2; i++) await expectApiError(login(address, `nobody-${randomUUID()}@example.com`, 'guess'), 401)
    await expectThrottled(login(address, `nobody-${randomUUID()}@example.com`, 'guess'))
  })

  it('counts an IPv6 client by its /64', async () => {
    const prefix = `2001:db8:${randomInt(65536).toString(16)}:${randomInt(65536).toString(16)}`
    const user = await signUp(newAddress())
    for (let i = 1; i <= 3; i++) await expectApiError(login(`${prefix}::${i}`, user.email, 'wrong password'), 401)
    await expectThrottled(login(`${prefix}::ffff`, user.email, password))
  })

  it('decides before the password is checked, and holds under 20 simultaneous guesses', async () => {
    const address = newAddress()
    const user = await signUp(address)
    const results = await Promise.all(Array.from({ length: 20 }, () => login(address, user.email, 'wrong password')))
    expect(results.filter(r => r.status === 401)).toHaveLength(3)
    expect(results.filter(r => r.status === 429)).toHaveLength(17)
    const row = await prisma.authThrottle.findUniqueOrThrow({ where: { key: `password:account:${user.email}:${address}` } })
    expect(row.hits).toBe(20)
  })

  it('ignores X-Forwarded-For entries a client writes itself', async () => {
    const address = newAddress()
    const user = await signUp(address)
    for (let i = 0; i < 3; i++) await expectApiError(login(address, user.email, 'wrong password'), 401)
    // A made-up address to the left of the proxy's entry changes nothing.
    const spoofed = fetch('/api/auth/login', { method: 'POST', headers: json(`${newAddress()}, ${address}`), body: JSON.stringify({ email: user.email, password }) })
    await expectThrottled(spoofed)
  })
})

describe('sign-up throttling', () => {
  it('allows the limit of sign-ups per address and window, then 429 with nothing created', async () => {
    const address = newAddress()
    for (let i = 0; i < 3; i++) await signUp(address)
    const email = `t-${randomUUID()}@example.com`
    await expectThrottled(fetch('/api/auth/sign-up', { method: 'POST', headers: json(address), body: JSON.stringify({ email, password }) }), 3600)
    expect(await prisma.user.count({ where: { email } })).toBe(0)
    await signUp(newAddress(), email)
  })
})

describe('password change throttling', () => {
  it('shares the sign-in allowance: wrong current passwords count, then even the right one waits; the password stays', async () => {
    const address = newAddress()
    const user = await signUp(address)
    const change = (current: string) => fetch('/api/auth/password', {
      method: 'POST',
      headers: json(address, { cookie: user.cookie }),
      body: JSON.stringify({ current_password: current, new_password: 'a brand new passphrase' }),
    })
    for (let i = 0; i < 3; i++) await expectApiError(change('wrong password'), 403, 'Forbidden')
    await expectThrottled(change(password))
    await expectThrottled(login(address, user.email, password))
    expect((await login(newAddress(), user.email, password)).status).toBe(200)
  })
})
