import type { H3Event } from 'h3'
import type { PrismaClient } from '../generated/prisma/client'
import type { ThrottleSettings } from './config'
import { tooManyAttempts } from './errors'
import { usePrisma } from './prisma'
import { clientAddress, throttleAddress, useRequestSettings } from './requests'

// Throttling of password guesses and sign-ups, with counters in PostgreSQL so that every instance shares
// them. A fixed window per key: the first attempt opens it, each attempt counts, and once a key is over its
// limit every attempt under it is refused until the window ends. An attempt is counted before the password
// is looked at, so a client over the limit learns nothing, not even from a right password.

export interface ThrottleRule {
  key: string
  limit: number
  /** Seconds. */
  window: number
}

let throttleSettings: ThrottleSettings | undefined

export function useThrottleSettings(): ThrottleSettings {
  throttleSettings ??= useRuntimeConfig().throttle as ThrottleSettings
  return throttleSettings
}

/**
 * Counts one attempt under every rule in one atomic statement and returns the seconds to wait when any rule
 * is now over its limit, 0 when the attempt may go ahead. Keys are upserted in sorted order, so concurrent
 * attempts on the same keys never deadlock.
 */
export async function countAttempt(rules: ThrottleRule[], prisma: PrismaClient = usePrisma()): Promise<number> {
  const sorted = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const rows = await prisma.$queryRaw<{ key: string, hits: number, wait: number }[]>`
    INSERT INTO auth_throttle AS t (key, hits, reset_at)
    SELECT r.key, 1, now() + r.seconds * interval '1 second'
    FROM unnest(${sorted.map(r => r.key)}::text[], ${sorted.map(r => r.window)}::int[]) WITH ORDINALITY AS r(key, seconds, n)
    ORDER BY r.n
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN t.reset_at <= now() THEN 1 ELSE t.hits + 1 END,
      reset_at = CASE WHEN t.reset_at <= now() THEN EXCLUDED.reset_at ELSE t.reset_at END
    RETURNING t.key, t.hits, ceil(extract(epoch FROM t.reset_at - now()))::int AS wait`
  let wait = 0
  for (const row of rows) {
    const rule = sorted.find(r => r.key === row.key)
    if (rule && row.hits > rule.limit) wait = Math.max(wait, row.wait, 1)
  }
  return wait
}

/**
 * After a success: the attempt counted under `forgetKeys` is forgotten altogether (the owner proved who
 * they are), and under `uncountKeys` it is taken back, so successes never use up a client's allowance.
 */
export async function forgiveAttempt(forgetKeys: string[], uncountKeys: string[], prisma: PrismaClient = usePrisma()) {
  await prisma.$executeRaw`
    WITH forgotten AS (DELETE FROM auth_throttle WHERE key = ANY(${forgetKeys}::text[]))
    UPDATE auth_throttle SET hits = hits - 1 WHERE key = ANY(${uncountKeys}::text[]) AND hits > 0 AND reset_at > now()`
}

/** Deletes counters whose window has ended. */
export function deleteExpiredThrottles(prisma: PrismaClient = usePrisma()): Promise<number> {
  return prisma.$executeRaw`DELETE FROM auth_throttle WHERE reset_at <= now()`
}

/** Counts the attempt and throws 429 with Retry-After when the client is over a limit. */
export async function throttle(event: H3Event, rules: ThrottleRule[], prisma: PrismaClient = usePrisma()) {
  const wait = await countAttempt(rules, prisma)
  if (wait > 0) {
    setResponseHeader(event, 'retry-after', wait)
    throw tooManyAttempts(wait)
  }
}

/** The address this request is throttled under (an IPv6 client by its /64). */
export function requestThrottleAddress(event: H3Event): string {
  return throttleAddress(clientAddress(event.node.req, useRequestSettings().trustedProxies))
}

/**
 * Password checks (sign-in, password change) share one allowance: per account from this address, and per
 * address across accounts. Another address has its own, so the owner is never locked out by a stranger.
 */
export function passwordRules(email: string, address: string, s: ThrottleSettings = useThrottleSettings()) {
  return {
    account: { key: `password:account:${email}:${address}`, limit: s.accountLimit, window: s.accountWindow },
    address: { key: `password:address:${address}`, limit: s.addressLimit, window: s.addressWindow },
  }
}

export function signUpRule(address: string, s: ThrottleSettings = useThrottleSettings()): ThrottleRule {
  return { key: `sign-up:address:${address}`, limit: s.signUpLimit, window: s.signUpWindow }
}

/** Counts a password attempt for `email` from this request's address; 429 when over either allowance. */
export async function throttlePasswordAttempt(event: H3Event, email: string) {
  const rules = passwordRules(email, requestThrottleAddress(event))
  await throttle(event, [rules.account, rules.address])
  return {
    /** Call once the password proved right. */
    succeeded: () => forgiveAttempt([rules.account.key], [rules.address.key]),
  }
}
