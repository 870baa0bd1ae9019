import { randomUUID } from 'node:crypto'
import { PrismaPg } from '@prisma/adapter-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../../prisma/migrate'
import { PrismaClient } from '../../../server/generated/prisma/client'
import { chatFileColumns, findChatFilesOfOwner } from '../../../server/utils/chats'
import { createScratchDatabase } from '../../helpers/scratch-db'
import type { ScratchDatabase } from '../../helpers/scratch-db'

// "One database round trip per request": findChatFilesOfOwner, counted with Prisma's own query events,
// on a database of this file's own.

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
const t0 = Date.UTC(2024, 2, 20, 10, 0, 0)

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
})

afterAll(async () => {
  await prisma?.$disconnect()
  await db?.drop()
})

describe('findChatFilesOfOwner: one database round trip', () => {
  it('a chat with files: exactly one query, the completed files oldest first, as Prisma types them', async () => {
    const { result, queries } = await traced(() => findChatFilesOfOwner(alice, withFiles, prisma))
    expect(queries).toHaveLength(1)
    expect(result!.map(f => f.name)).toEqual(['a.txt', 'b1.txt', 'b2.txt', 'c.txt'])
    // The same rows a plain Prisma read of the same columns gives: ids, bigint size, Date created_at, object keys.
    const expected = await prisma.chatConversationFile.findMany({
      where: { chatConversationId: withFiles, completedAt: { not: null } },
      select: chatFileColumns,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    })
    expect(result).toStrictEqual(expected)
    expect(result![0]!.size).toBe(9_007_199_254_740_991n)
    expect(result![0]!.createdAt).toEqual(new Date(t0))
  })

  it('an empty chat: exactly one query, an empty list', async () => {
    const { result, queries } = await traced(() => findChatFilesOfOwner(alice, empty, prisma))
    expect(queries).toHaveLength(1)
    expect(result).toEqual([])
  })

  it('someone else\'s chat: exactly one query, null', async () => {
    const { result, queries } = await traced(() => findChatFilesOfOwner(alice, bobsChat, prisma))
    expect(queries).toHaveLength(1)
    expect(result).toBeNull()
    // ... and its owner sees its file.
    expect((await findChatFilesOfOwner(bob, bobsChat, prisma))!.map(f => f.name)).toEqual(['bob.txt'])
  })

  it('a missing chat and an unknown owner: exactly one query each, null', async () => {
    for (const [owner, chat] of [[alice, 2_147_483_647], [randomUUID(), withFiles]] as const) {
      const { result, queries } = await traced(() => findChatFilesOfOwner(owner, chat, prisma))
      expect(queries).toHaveLength(1)
      expect(result).toBeNull()
    }
  })

  it('ownership is inside the one query: it names both the chat and its owner', async () => {
    const { queries } = await traced(() => findChatFilesOfOwner(alice, withFiles, prisma))
    expect(queries[0]).toMatch(/user_id/)
    expect(queries[0]).toMatch(/chat_conversation_file/)
  })
})
