import pg from 'pg'
import { randomUUID } from 'node:crypto'
import { chatFileColumns, findChatFilesInSession } from '../server/utils/chats'
import { defaultSessionIdleTimeout, defaultSessionMaxAge } from '../server/utils/config'
import { createPrismaClient } from '../server/utils/prisma'
import { floorSql } from './handlers/floor.get'

// In-process: how long the listing's one database round trip takes through Prisma (findChatFilesInSession,
// as the endpoint runs it, session check included) and as one hand-written query on a plain pg Pool (as the floor runs it), for a
// chat of 100 files and an empty one, one call after another, median of several rounds.


async function median(fn: () => Promise<unknown>, calls = 300, rounds = 5) {
  for (let i = 0; i < 200; i++) await fn()
  const times: number[] = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1000 / calls)
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!
}

export async function runQueryBench(databaseUrl: string, ownerId: string, chatId: number, emptyChatId: number, log: (line: string) => void = () => {}) {
  const prisma = createPrismaClient(databaseUrl)
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
  try {
    const results: Record<string, { name: string, us: number }> = {}
    const add = async (key: string, name: string, fn: () => Promise<unknown>) => {
      results[key] = { name, us: await median(fn) }
      log(`  ${name}: ${results[key].us.toFixed(0)} µs`)
    }
    // The shipped query starts from a session row, as the endpoint's does.
    const session = { id: randomUUID(), user: { id: ownerId, email: '' } }
    await prisma.$executeRaw`INSERT INTO user_session (id, user_id) VALUES (${session.id}, ${ownerId})`
    const lifetimes = { maxAge: defaultSessionMaxAge, idleTimeout: defaultSessionIdleTimeout }
    const shipped = (chat: number) => findChatFilesInSession(session, ownerId, chat, lifetimes, prisma)
    await add('shipped', 'findChatFilesInSession (Prisma $queryRaw, as shipped, session check included)', () => shipped(chatId))
    // The nested read, for comparison (Prisma's default strategy: a query for the chat, one for its files).
    await add('prismaJoin', 'Prisma findFirst + nested files (two queries)', () => prisma.chatConversation.findFirst({
      where: { id: chatId, userId: ownerId },
      select: { files: { where: { completedAt: { not: null } }, select: chatFileColumns, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    }))
    await add('pg', 'one raw SQL query (pg Pool, prepared, array rows)', () => pool.query({ name: 'bench_files', text: floorSql, values: [chatId, ownerId], rowMode: 'array' }))
    // The same two on an empty chat: the fixed cost of a query, apart from the rows.
    await add('shippedEmpty', 'findChatFilesInSession, empty chat', () => shipped(emptyChatId))
    await add('pgEmpty', 'one raw SQL query, empty chat', () => pool.query({ name: 'bench_files', text: floorSql, values: [emptyChatId, ownerId], rowMode: 'array' }))
    return results
  }
  finally {
    await prisma.$disconnect()
    await pool.end()
  }
}
