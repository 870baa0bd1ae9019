import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../../prisma/migrate'
import { createPrismaClient } from '../../../server/utils/prisma'
import { countAttempt, deleteExpiredThrottles, forgiveAttempt, passwordRules, signUpRule } from '../../../server/utils/throttle'
import { throttleDefaults } from '../../../server/utils/config'
import { createScratchDatabase } from '../../helpers/scratch-db'
import type { ScratchDatabase } from '../../helpers/scratch-db'

// The counters behind sign-in throttling, on a database of this file's own, with the concurrency they face.

let db: ScratchDatabase
let prisma: ReturnType<typeof createPrismaClient>

beforeAll(async () => {
  db = await createScratchDatabase()
  await migrate(db.url)
  prisma = createPrismaClient(db.url, { max: 10 })
})

afterAll(async () => {
  await prisma?.$disconnect()
  await db?.drop()
})

const key = () => `test:${randomUUID()}`

describe('countAttempt', () => {
  it('allows `limit` attempts in a window, then answers with the seconds left in it', async () => {
    const rule = { key: key(), limit: 3, window: 600 }
    for (let i = 0; i < 3; i++) expect(await countAttempt([rule], prisma)).toBe(0)
    const wait = await countAttempt([rule], prisma)
    expect(wait).toBeGreaterThan(590)
    expect(wait).toBeLessThanOrEqual(600)
  })

  it('counts exactly under concurrency: of 40 simultaneous attempts, exactly `limit` go ahead', async () => {
    const rule = { key: key(), limit: 7, window: 600 }
    const waits = await Promise.all(Array.from({ length: 40 }, () => countAttempt([rule], prisma)))
    expect(waits.filter(w => w === 0)).toHaveLength(7)
    expect((await prisma.authThrottle.findUniqueOrThrow({ where: { key: rule.key } })).hits).toBe(40)
  })

  it('counts several keys at once, in any order, without deadlocks; the longest wait wins', async () => {
    const a = { key: key(), limit: 1, window: 100 }
    const b = { key: key(), limit: 1, window: 500 }
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => countAttempt(i % 2 ? [a, b] : [b, a], prisma)))
    expect(results.filter(w => w === 0)).toHaveLength(1)
    expect(Math.max(...results)).toBeGreaterThan(400)
  })

  it('starts a new window once the old one has ended', async () => {
    const rule = { key: key(), limit: 1, window: 600 }
    await countAttempt([rule], prisma)
    expect(await countAttempt([rule], prisma)).toBeGreaterThan(0)
    await prisma.authThrottle.update({ where: { key: rule.key }, data: { resetAt: new Date(Date.now() - 1000) } })
    expect(await countAttempt([rule], prisma)).toBe(0)
    expect((await prisma.authThrottle.findUniqueOrThrow({ where: { key: rule.key } })).hits).toBe(1)
  })
})

describe('forgiveAttempt', () => {
  it('forgets one key altogether and takes one attempt back from the other', async () => {
    const account = { key: key(), limit: 3, window: 600 }
    const address = { key: key(), limit: 3, window: 600 }
    for (let i = 0; i < 3; i++) await countAttempt([account, address], prisma)
    await forgiveAttempt([account.key], [address.key], prisma)
    expect(await prisma.authThrottle.findUnique({ where: { key: account.key } })).toBeNull()
    expect((await prisma.authThrottle.findUniqueOrThrow({ where: { key: address.key } })).hits).toBe(2)
  })
})

describe('deleteExpiredThrottles', () => {
  it('deletes counters whose window has ended, and only those', async () => {
    const ended = key()
    const running = key()
    await prisma.authThrottle.create({ data: { key: ended, hits: 9, resetAt: new Date(Date.now() - 1000) } })
    await prisma.authThrottle.create({ data: { key: running, hits: 9, resetAt: new Date(Date.now() + 60_000) } })
    expect(await deleteExpiredThrottles(prisma)).toBeGreaterThanOrEqual(1)
    expect(await prisma.authThrottle.findUnique({ where: { key: ended } })).toBeNull()
    expect(await prisma.authThrottle.findUnique({ where: { key: running } })).not.toBeNull()
  })
})

describe('rules', () => {
  it('keys a password attempt by account and address, and by address alone, with the configured limits', () => {
    const rules = passwordRules('a@example.com', '203.0.113.7', throttleDefaults)
    expect(rules.account).toEqual({ key: 'password:account:a@example.com:203.0.113.7', limit: 5, window: 900 })
    expect(rules.address).toEqual({ key: 'password:address:203.0.113.7', limit: 30, window: 900 })
    expect(signUpRule('203.0.113.7', throttleDefaults)).toEqual({ key: 'sign-up:address:203.0.113.7', limit: 10, window: 3600 })
  })
})
