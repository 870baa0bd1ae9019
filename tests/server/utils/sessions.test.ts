import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../../prisma/migrate'
import { createDatabase } from '../../../server/utils/prisma'
import type { Database } from '../../../server/utils/prisma'
import { changePasswordKeepingSession, deleteEndedSessions, isSessionActive, listActiveSessions, revokeSessionOfUser, revokeUserSessions } from '../../../server/utils/sessions'
import type { CookieSession } from '../../../server/utils/sessions'
import { createScratchDatabase } from '../../helpers/scratch-db'
import type { ScratchDatabase } from '../../helpers/scratch-db'

// Session rows and what they allow, on a database of this file's own.

let db: ScratchDatabase
let database: Database
let prisma: Database['prisma']
const t = { maxAge: 3600, idleTimeout: 600 }

beforeAll(async () => {
  db = await createScratchDatabase()
  await migrate(db.url)
  database = createDatabase(db.url, { max: 4 })
  prisma = database.prisma
})

afterAll(async () => {
  await prisma?.$disconnect()
  await db?.drop()
})

async function user() {
  return prisma.user.create({ data: { email: `u-${randomUUID()}@example.com`, passwordHash: 'old' } })
}

async function session(userId: string, ages: { created?: number, seen?: number, revoked?: boolean } = {}): Promise<CookieSession> {
  const id = randomUUID()
  const ago = (s = 0) => new Date(Date.now() - s * 1000)
  await prisma.userSession.create({ data: { id, userId, createdAt: ago(ages.created), lastSeenAt: ago(ages.seen), revokedAt: ages.revoked ? new Date() : null, userAgent: 'test agent' } })
  return { id, user: { id: userId, email: '' } }
}

const active = (s: CookieSession) => isSessionActive(s, t, database)

describe('isSessionActive', () => {
  it('accepts a live session and refuses a revoked, idle, expired, unknown or someone else\'s one', async () => {
    const u = await user()
    const other = await user()
    expect(await active(await session(u.id))).toBe(true)
    expect(await active(await session(u.id, { seen: 599, created: 3599 }))).toBe(true)
    expect(await active(await session(u.id, { revoked: true }))).toBe(false)
    expect(await active(await session(u.id, { seen: 601 }))).toBe(false)
    expect(await active(await session(u.id, { created: 3601 }))).toBe(false)
    expect(await active({ id: randomUUID(), user: { id: u.id, email: '' } })).toBe(false)
    const others = await session(other.id)
    expect(await active({ id: others.id, user: { id: u.id, email: '' } })).toBe(false)
  })

  it('moves last_seen_at forward when it is over a minute old, and keeps an idle session alive that way', async () => {
    const u = await user()
    const s = await session(u.id, { seen: 590 })
    expect(await active(s)).toBe(true)
    const seen = (await prisma.userSession.findUniqueOrThrow({ where: { id: s.id } })).lastSeenAt
    expect(Date.now() - seen.getTime()).toBeLessThan(5_000)
  })

  it('under 50 simultaneous checks of one session, writes the row once', async () => {
    // This database only: a trigger counts the updates of each session row.
    await prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS session_writes (id text PRIMARY KEY, n int NOT NULL)')
    await prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION count_session_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO session_writes VALUES (NEW.id, 1) ON CONFLICT (id) DO UPDATE SET n = session_writes.n + 1; RETURN NEW; END $$`)
    await prisma.$executeRawUnsafe('CREATE OR REPLACE TRIGGER count_session_write AFTER UPDATE ON user_session FOR EACH ROW EXECUTE FUNCTION count_session_write()')
    const writes = async (id: string) => (await prisma.$queryRaw<{ n: number }[]>`SELECT n FROM session_writes WHERE id = ${id}`)[0]?.n ?? 0

    const u = await user()
    const s = await session(u.id, { seen: 120 })
    const results = await Promise.all(Array.from({ length: 50 }, () => active(s)))
    expect(results.every(Boolean)).toBe(true)
    expect(await writes(s.id)).toBe(1)
    // Used again within the minute: nothing is written.
    await Promise.all(Array.from({ length: 20 }, () => active(s)))
    expect(await writes(s.id)).toBe(1)
    await prisma.$executeRawUnsafe('DROP TRIGGER count_session_write ON user_session')
  })
})

describe('revoking', () => {
  it('revokes one session of the user\'s, and not someone else\'s', async () => {
    const u = await user()
    const other = await user()
    const mine = await session(u.id)
    const theirs = await session(other.id)
    expect(await revokeSessionOfUser(u.id, theirs.id, prisma)).toBe(false)
    expect(await active(theirs)).toBe(true)
    expect(await revokeSessionOfUser(u.id, mine.id, prisma)).toBe(true)
    expect(await revokeSessionOfUser(u.id, mine.id, prisma)).toBe(false)
    expect(await active(mine)).toBe(false)
  })

  it('revokes every session of a user, or every other one', async () => {
    const u = await user()
    const [a, b, c] = [await session(u.id), await session(u.id), await session(u.id)]
    expect(await revokeUserSessions(u.id, b.id, prisma)).toBe(2)
    expect([await active(a), await active(b), await active(c)]).toEqual([false, true, false])
    expect(await revokeUserSessions(u.id, undefined, prisma)).toBe(1)
    expect(await active(b)).toBe(false)
  })

  it('changes the password and ends every other session in one statement', async () => {
    const u = await user()
    const [keep, other] = [await session(u.id), await session(u.id)]
    expect(await changePasswordKeepingSession(keep, 'new-hash', prisma)).toBe(1)
    expect((await prisma.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash).toBe('new-hash')
    expect([await active(keep), await active(other)]).toEqual([true, false])
  })
})

describe('listActiveSessions and deleteEndedSessions', () => {
  it('lists the usable sessions, most recently used first, marking the current one', async () => {
    const u = await user()
    const older = await session(u.id, { seen: 300 })
    const current = await session(u.id, { seen: 10 })
    await session(u.id, { revoked: true })
    await session(u.id, { seen: 700 })
    const list = await listActiveSessions(current, t, prisma)
    expect(list.map(s => [s.id, s.current])).toEqual([[current.id, true], [older.id, false]])
    expect(list[0]).toMatchObject({ user_agent: 'test agent', client_address: '' })
    expect(Number.isNaN(Date.parse(list[0]!.created_at))).toBe(false)
  })

  it('deletes sessions that can no longer be used, and only those', async () => {
    const u = await user()
    const live = await session(u.id)
    const ended = [await session(u.id, { revoked: true }), await session(u.id, { seen: 700 }), await session(u.id, { created: 4000 })]
    await deleteEndedSessions(t, prisma)
    expect(await prisma.userSession.count({ where: { id: { in: ended.map(s => s.id) } } })).toBe(0)
    expect(await prisma.userSession.count({ where: { id: live.id } })).toBe(1)
  })
})
