import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient } from '../generated/prisma/client'

// The database, once per server process: a pg Pool the app owns, Prisma's client on it through
// @prisma/adapter-pg, and that same adapter for the few statements on the hot path (sql, below).

export interface Database {
  prisma: PrismaClient
  /** Runs a statement made by `preparedStatement` through Prisma's pg adapter, rows as arrays. */
  sql: <Row extends unknown[]>(statement: PreparedStatement, args: unknown[]) => Promise<Row[]>
  pool: pg.Pool
}

/**
 * A statement sent as a named prepared statement: PostgreSQL parses and plans it once per connection
 * instead of once per call. Only statements made here are named, so the set stays small and known;
 * Prisma's own SQL goes unnamed, as by default.
 */
export interface PreparedStatement { name: string, text: string, argTypes: ArgTypes }

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>
/** How the adapter is to treat each argument (it converts dates and bytes; numbers, strings and booleans pass). */
export type ArgTypes = readonly Parameters<PgAdapter['queryRaw']>[0]['argTypes'][number][]

const statementNames = new Map<string, string>()

export function preparedStatement(name: string, text: string, argTypes: ArgTypes): PreparedStatement {
  if (statementNames.has(text) && statementNames.get(text) !== name) throw new Error(`statement ${name} repeats ${statementNames.get(text)}`)
  statementNames.set(text, name)
  return { name, text, argTypes }
}

let database: Database | undefined

export function useDatabase(): Database {
  database ??= createDatabase(process.env.DATABASE_URL)
  return database
}

export function usePrisma(): PrismaClient {
  return useDatabase().prisma
}

export function createDatabase(connectionString: string | undefined, options: { max?: number } = {}): Database {
  if (!connectionString) throw new Error('DATABASE_URL is not set')
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 })
  // @prisma/adapter-pg names a statement when this returns a name; unknown SQL stays unnamed.
  const factory = new PrismaPg(pool, { statementNameGenerator: query => statementNames.get(query.sql)!, disposeExternalPool: true })
  const prisma = new PrismaClient({ adapter: factory })
  let adapter: Promise<PgAdapter> | undefined
  return {
    prisma,
    pool,
    async sql<Row extends unknown[]>(statement: PreparedStatement, args: unknown[]) {
      // The adapter Prisma's client also runs on (same pool, same type conversions and error mapping), without
      // the client's generic request pipeline around it: about 80 µs less per call (README, Performance).
      const { rows } = await (adapter ??= factory.connect()).then(a => a.queryRaw({ sql: statement.text, args, argTypes: [...statement.argTypes] }))
      return rows as Row[]
    },
  }
}

/** A Prisma client for scripts and tests, on a pool of its own. */
export function createPrismaClient(connectionString: string | undefined, options: { max?: number } = {}): PrismaClient {
  return createDatabase(connectionString, options).prisma
}
