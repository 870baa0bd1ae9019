import { randomUUID } from 'node:crypto'
import { PrismaPg } from '@prisma/adapter-pg'
import { chatFilesInSession, findChatFilesInSession } from '../server/utils/chats'
import { defaultSessionIdleTimeout, defaultSessionMaxAge } from '../server/utils/config'
import { createDatabase } from '../server/utils/prisma'
import { sessionArgs } from '../server/utils/sessions'

// In-process: the listing's one database round trip (session check included), three ways, for a chat of 100
// files and an empty one: as shipped (a named prepared statement on the pool Prisma uses, as the floor runs it
// too), through Prisma's pg adapter (its queryRaw, the statement named the same way), and through Prisma's
// client ($queryRawUnsafe). Latency: one call after another, median of several rounds. CPU: process CPU time
// per call with 10 calls in flight, as under load.

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

async function cpuPerCall(fn: () => Promise<unknown>, calls = 5000, inFlight = 10) {
  let left = calls
  const worker = async () => {
    while (left-- > 0) await fn()
  }
  const before = process.cpuUsage()
  await Promise.all(Array.from({ length: inFlight }, worker))
  const used = process.cpuUsage(before)
  return (used.user + used.system) / calls
}

export async function runQueryBench(databaseUrl: string, ownerId: string, chatId: number, emptyChatId: number, log: (line: string) => void = () => {}) {
  const db = createDatabase(databaseUrl)
  const adapter = await new PrismaPg(db.pool, { statementNameGenerator: q => (q.sql === chatFilesInSession.text ? 'bench_adapter_files' : undefined)! }).connect()
  try {
    const results: Record<string, { name: string, us: number, cpuUs: number }> = {}
    const add = async (key: string, name: string, fn: () => Promise<unknown>) => {
      results[key] = { name, us: await median(fn), cpuUs: await cpuPerCall(fn) }
      log(`  ${name}: ${results[key].us.toFixed(0)} µs, ${results[key].cpuUs.toFixed(0)} µs CPU`)
    }
    const session = { id: randomUUID(), user: { id: ownerId, email: '' } }
    await db.prisma.$executeRaw`INSERT INTO user_session (id, user_id) VALUES (${session.id}, ${ownerId})`
    const lifetimes = { maxAge: defaultSessionMaxAge, idleTimeout: defaultSessionIdleTimeout }
    const args = (chat: number) => [...sessionArgs(session, lifetimes), chat, true]
    const argTypes = [...['string', 'string', 'int', 'int', 'int'].map(t => ({ scalarType: t, arity: 'scalar' })), { scalarType: 'boolean', arity: 'scalar' }] as Parameters<typeof adapter.queryRaw>[0]['argTypes']
    for (const [suffix, chat, label] of [['', chatId, '100 files'], ['Empty', emptyChatId, 'empty chat']] as const) {
      await add(`shipped${suffix}`, `findChatFilesInSession: prepared, on the app's pool (as shipped; the floor too), ${label}`, () => findChatFilesInSession(session, ownerId, chat, lifetimes, db))
      await add(`adapter${suffix}`, `the same, through Prisma's pg adapter (queryRaw), ${label}`, () => adapter.queryRaw({ sql: chatFilesInSession.text, args: args(chat), argTypes }))
      await add(`prismaClient${suffix}`, `the same SQL through Prisma's client ($queryRawUnsafe), ${label}`, () => db.prisma.$queryRawUnsafe(chatFilesInSession.text, ...args(chat)))
    }
    return results
  }
  finally {
    await db.prisma.$disconnect()
  }
}
