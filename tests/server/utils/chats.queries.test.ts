import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { migrate } from '../../../prisma/migrate'
import { findChatFilesInSession, listedChatFile } from '../../../server/utils/chats'
import { createDatabase } from '../../../server/utils/prisma'
import type { Database } from '../../../server/utils/prisma'
import type { CookieSession } from '../../../server/utils/sessions'
import { createScratchDatabase } from '../../helpers/scratch-db'
import type { ScratchDatabase } from '../../helpers/scratch-db'

// "One database round trip per request, the session check included": findChatFilesInSession, counted where
// every statement leaves for PostgreSQL (pg's Client#query, which Prisma's adapter and pg's Pool both call),
// on a database of this file's own.

let scratch: ScratchDatabase
let db: Database
let prisma: Database['prisma']

/** What the call did: its result and the SQL statements sent to the database meanwhile. */
async function traced<T>(fn: () => Promise<T>) {
  const spy = vi.spyOn(pg.Client.prototype, 'query')
  try {
    const result = await fn()
    const queries = spy.mock.calls.map(([query]) => typeof query === 'string' ? query : (query as { text: string }).text)
    return { result, queries }
  }
  finally {
    spy.mockRestore()
  }
}

let alice: string, bob: string
let withFiles: number, empty: number, bobsChat: number
let aliceSession: CookieSession, bobSession: CookieSession
const t0 = Date.UTC(2024, 2, 20, 10, 0, 0)
const lifetimes = { maxAge: 7 * 24 * 3600, idleTimeout: 24 * 3600 }

/** A session row for `userId`, aged as given; the cookie's view of it. */
async function session(userId: string, ages: { createdSecondsAgo?: number, lastSeenSecondsAgo?: number, revoked?: boolean } = {}): Promise<CookieSession> {
  const id = randomUUID()
  const ago = (s = 0) => new Date(Date.now() - s * 1000)
  await prisma.userSession.create({ data: { id, userId, createdAt: ago(ages.createdSecondsAgo), lastSeenAt: ago(ages.lastSeenSecondsAgo), revokedAt: ages.revoked ? new Date() : null } })
  return { id, user: { id: userId, email: 'x@example.com' } }
}

/** The listing for `s` on `owner`'s chat, as the route asks for it. */
const list = (s: CookieSession, owner: string, chat: number) => findChatFilesInSession(s, owner, chat, lifetimes, db)
const names = (result: Awaited<ReturnType<typeof list>>) => Array.isArray(result) ? result.map(f => f[2]) : result

beforeAll(async () => {
  scratch = await createScratchDatabase()
  await migrate(scratch.url)
  db = createDatabase(scratch.url, { max: 2 })
  prisma = db.prisma
  alice = (await prisma.user.create({ data: { email: `alice-${randomUUID()}@example.com`, passwordHash: 'x' } })).id
  bob = (await prisma.user.create({ data: { email: `bob-${randomUUID()}@example.com`, passwordHash: 'x' } })).id
  withFiles = (await prisma.chatConversation.create({ data: { userId: alice, name: 'files' } })).id
  empty = (await prisma.chatConversation.create({ data: { userId: alice, name: 'empty' } })).id
  bobsChat = (await prisma.chatConversation.create({ data: { userId: bob, name: 'bob' } })).id
  const file = (chatId: number, name: string, createdAt: number, extra: { completedAt?: null, size?: bigint } = {}) => ({
    chatConversationId: chatId, name, type: 'text/plain', size: extra.size ?? 3n, objectKey: `chats/${chatId}/${randomUUID()}`, createdAt: new Date(createdAt), ...extra,
  })
  // Inserted out of order; two share a created_at (the id breaks the tie); a pending upload is never listed.
  await prisma.chatConversationFile.create({ data: file(withFiles, 'c.txt', t0 + 2000) })
  await prisma.chatConversationFile.create({ data: file(withFiles, 'a.txt', t0, { size: 9_007_199_254_740_991n }) })
  await prisma.chatConversationFile.create({ data: file(withFiles, 'b1.txt', t0 + 1000) })
  await prisma.chatConversationFile.create({ data: file(withFiles, 'b2.txt', t0 + 1000) })
  await prisma.chatConversationFile.create({ data: file(withFiles, 'pending.txt', t0 + 500, { completedAt: null }) })
  await prisma.chatConversationFile.create({ data: file(bobsChat, 'bob.txt', t0) })
  aliceSession = await session(alice)
  bobSession = await session(bob)
})

afterAll(async () => {
  await prisma?.$disconnect()
  await scratch?.drop()
})

describe('findChatFilesInSession: one database round trip, the session check included', () => {
  it('a chat with files: exactly one query, the completed files oldest first, the columns the JSON needs', async () => {
    const { result, queries } = await traced(() => list(aliceSession, alice, withFiles))
    expect(queries).toHaveLength(1)
    expect(names(result)).toEqual(['a.txt', 'b1.txt', 'b2.txt', 'c.txt'])
    // The same files a plain Prisma read gives: ids, the size in full, created_at exactly as toISOString writes it.
    const expected = await prisma.chatConversationFile.findMany({
      where: { chatConversationId: withFiles, completedAt: { not: null } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    })
    expect(result).toStrictEqual(expected.map(f => [withFiles, f.id, f.name, String(f.size), f.type, f.objectKey, f.createdAt.toISOString()]))
    const first = listedChatFile((result as Exclude<typeof result, string>)[0]!, 'https://s3.example/x')
    expect(first).toStrictEqual({ id: expected[0]!.id, chat_conversation_id: withFiles, name: 'a.txt', size: 9_007_199_254_740_991, type: 'text/plain', created_at: new Date(t0).toISOString(), url: 'https://s3.example/x' })
  })

  it('created_at keeps its milliseconds, and reads the same whatever the database session\'s time zone', async () => {
    const chat = (await prisma.chatConversation.create({ data: { userId: alice, name: 'times' } })).id
    const at = new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 7))
    await prisma.chatConversationFile.create({ data: { chatConversationId: chat, name: 't', type: 'text/plain', size: 1n, objectKey: `chats/${chat}/${randomUUID()}`, createdAt: at } })
    await prisma.$executeRawUnsafe(`ALTER DATABASE "${new URL(scratch.url).pathname.slice(1)}" SET timezone TO 'Asia/Kathmandu'`)
    const other = createDatabase(scratch.url, { max: 1 })
    try {
      const rows = await findChatFilesInSession(aliceSession, alice, chat, lifetimes, other)
      expect((rows as Exclude<typeof rows, string>)[0]![6]).toBe('1999-12-31T23:59:59.007Z')
    }
    finally {
      await other.prisma.$disconnect()
    }
  })

  it('an empty chat: exactly one query, an empty list', async () => {
    const { result, queries } = await traced(() => list(aliceSession, alice, empty))
    expect(queries).toHaveLength(1)
    expect(result).toEqual([])
  })

  it('someone else\'s chat, a missing chat, a path naming another user: exactly one query each, chat-not-found', async () => {
    for (const [owner, chat] of [[alice, bobsChat], [alice, 2_147_483_647], [bob, bobsChat], [randomUUID(), withFiles]] as const) {
      const { result, queries } = await traced(() => list(aliceSession, owner, chat))
      expect(queries).toHaveLength(1)
      expect(result).toBe('chat-not-found')
    }
    // ... and its owner sees its file.
    expect(names(await list(bobSession, bob, bobsChat))).toEqual(['bob.txt'])
  })

  it('a revoked, idle, expired, unknown or foreign session: exactly one query, session-ended, whatever the chat', async () => {
    const ended = [
      await session(alice, { revoked: true }),
      await session(alice, { lastSeenSecondsAgo: lifetimes.idleTimeout + 5 }),
      await session(alice, { createdSecondsAgo: lifetimes.maxAge + 5 }),
      { id: randomUUID(), user: aliceSession.user },
      // Bob's session id under Alice's name: the row must belong to the cookie's user.
      { id: bobSession.id, user: aliceSession.user },
    ]
    for (const s of ended) {
      for (const chat of [withFiles, bobsChat, 2_147_483_647]) {
        const { result, queries } = await traced(() => list(s, alice, chat))
        expect(queries).toHaveLength(1)
        expect(result).toBe('session-ended')
      }
    }
  })

  it('records the session\'s use in the same statement, at most once a minute', async () => {
    const stale = await session(alice, { lastSeenSecondsAgo: 120 })
    const lastSeen = async () => (await prisma.userSession.findUniqueOrThrow({ where: { id: stale.id } })).lastSeenAt.getTime()
    const before = await lastSeen()
    const { queries } = await traced(() => list(stale, alice, withFiles))
    expect(queries).toHaveLength(1)
    const touched = await lastSeen()
    expect(touched).toBeGreaterThan(before + 100_000)
    // Seen a moment ago: nothing is written again.
    await list(stale, alice, withFiles)
    expect(await lastSeen()).toBe(touched)
  })

  it('ownership and the session are inside the one query', async () => {
    const { queries } = await traced(() => list(aliceSession, alice, withFiles))
    expect(queries[0]).toMatch(/user_session/)
    expect(queries[0]).toMatch(/user_id/)
    expect(queries[0]).toMatch(/chat_conversation_file/)
  })
})
