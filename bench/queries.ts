import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { chatFilesInSession, findChatFilesInSession } from '../server/utils/chats'
import { defaultSessionIdleTimeout, defaultSessionMaxAge } from '../server/utils/config'
import { createDatabase } from '../server/utils/prisma'
import { sessionArgs } from '../server/utils/sessions'

// In-process: how long the listing's one database round trip (session check included) takes as the endpoint
// runs it (a named prepared statement on Prisma's pg adapter), through Prisma's client ($queryRawUnsafe, the
// same SQL), and as the floor runs it (the same SQL prepared on a plain pg Pool), for a chat of 100 files and an
// empty one, one call after another, median of several rounds.

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
  const db = createDatabase(databaseUrl)
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
  try {
    const results: Record<string, { name: string, us: number }> = {}
    const add = async (key: string, name: string, fn: () => Promise<unknown>) => {
      results[key] = { name, us: await median(fn) }
      log(`  ${name}: ${results[key].us.toFixed(0)} µs`)
    }
    const session = { id: randomUUID(), user: { id: ownerId, email: '' } }
    await db.prisma.$executeRaw`INSERT INTO user_session (id, user_id) VALUES (${session.id}, ${ownerId})`
    const lifetimes = { maxAge: defaultSessionMaxAge, idleTimeout: defaultSessionIdleTimeout }
    const args = (chat: number) => [...sessionArgs(session, lifetimes), chat, true]
    for (const [suffix, chat, label] of [['', chatId, '100 files'], ['Empty', emptyChatId, 'empty chat']] as const) {
      await add(`shipped${suffix}`, `findChatFilesInSession: prepared, on Prisma's pg adapter (as shipped), ${label}`, () => findChatFilesInSession(session, ownerId, chat, lifetimes, db))
      await add(`prismaClient${suffix}`, `the same SQL through Prisma's client ($queryRawUnsafe), ${label}`, () => db.prisma.$queryRawUnsafe(chatFilesInSession.text, ...args(chat)))
      await add(`pg${suffix}`, `the same SQL prepared on a plain pg Pool, array rows (the floor), ${label}`, () => pool.query({ name: 'bench_files', text: chatFilesInSession.text, values: args(chat), rowMode: 'array' }))
    }
    return results
  }
  finally {
    await db.prisma.$disconnect()
    await pool.end()
  }
}
