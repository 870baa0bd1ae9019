import { randomUUID } from 'node:crypto'
import { PrismaPg } from '@prisma/adapter-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../../prisma/migrate'
import { PrismaClient } from '../../../server/generated/prisma/client'
import { chatFileColumns, findChatFilesInSession } from '../../../server/utils/chats'
import type { CookieSession } from '../../../server/utils/sessions'
import { createScratchDatabase } from '../../helpers/scratch-db'
import type { ScratchDatabase } from '../../helpers/scratch-db'

// "One database round trip per request, the session check included": findChatFilesInSession, counted with
// Prisma's own query events, on a database of this file's own.

/** A client that reports every SQL statement it sends as a `query` event. */
function tracingClient(url: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }), log: [{ emit: 'event', level: 'query' }] })
}

let db: ScratchDatabase
let prisma: ReturnType<typeof tracingClient>
const queries: string[] = []

/** What the call did: its result and the SQL statements Prisma sent for it. */
async function traced<T>(fn: () => Promise<T>) {
  // Events are emitted after the query returns; let any stray ones from earlier calls land first.
  await new Promise(resolve => setImmediate(resolve))
  queries.length = 0
  const result = await fn()
  await new Promise(resolve => setImmediate(resolve))
  return { result, queries: [...queries] }
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
const list = (s: CookieSession, owner: string, chat: number) => findChatFilesInSession(s, owner, chat, lifetimes, prisma)
const names = (result: Awaited<ReturnType<typeof list>>) => Array.isArray(result) ? result.map(f => f.name) : result

beforeAll(async () => {
  db = await createScratchDatabase()
  await migrate(db.url)
  prisma = tracingClient(db.url)
  prisma.$on('query', e => queries.push(e.query))
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
  await db?.drop()
})

describe('findChatFilesInSession: one database round trip, the session check included', () => {
  it('a chat with files: exactly one query, the completed files oldest first, as Prisma types them', async () => {
    const { result, queries } = await traced(() => list(aliceSession, alice, withFiles))
    expect(queries).toHaveLength(1)
    expect(names(result)).toEqual(['a.txt', 'b1.txt', 'b2.txt', 'c.txt'])
    // The same rows a plain Prisma read of the same columns gives: ids, bigint size, Date created_at, object keys.
    const expected = await prisma.chatConversationFile.findMany({
      where: { chatConversationId: withFiles, completedAt: { not: null } },
      select: chatFileColumns,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    })
    expect(result).toStrictEqual(expected.map(f => ({ chatId: withFiles, ...f })))
    const files = result as typeof expected
    expect(files[0]!.size).toBe(9_007_199_254_740_991n)
    expect(files[0]!.createdAt).toEqual(new Date(t0))
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
