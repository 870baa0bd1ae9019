import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient } from '../generated/prisma/client'

// The database, once per server process: a pg Pool the app owns, Prisma's client on it through
// @prisma/adapter-pg, and the same pool for the few statements on the hot path (sql, below).

export interface Database {
  prisma: PrismaClient
  /** Runs a statement made by `preparedStatement` on the pool Prisma uses, rows as arrays. */
  sql: <Row extends unknown[]>(statement: PreparedStatement, args: unknown[]) => Promise<Row[]>
  pool: pg.Pool
}

/**
 * A statement sent as a named prepared statement: PostgreSQL parses and plans it once per connection
 * instead of once per call. Only the hot path's statements are made here, so the set stays small and known.
 */
export interface PreparedStatement { name: string, text: string }

const statements = new Map<string, string>()

export function preparedStatement(name: string, text: string): PreparedStatement {
  if (statements.has(name) && statements.get(name) !== text) throw new Error(`two statements are named ${name}`)
  statements.set(name, text)
  return { name, text }
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
  // An idle connection the server dropped (a restart) must not take the process down; the next query reconnects.
  pool.on('error', error => console.warn(`[database] an idle connection was closed: ${error.message}`))
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) })
  return {
    prisma,
    pool,
    async sql<Row extends unknown[]>(statement: PreparedStatement, args: unknown[]) {
      // Straight to the pool: Prisma's $queryRaw costs about 80 µs more per call, and even its pg adapter's
      // queryRaw (type mapping Prisma needs, this code does not) about 7 µs (README, Performance).
      const { rows } = await pool.query<Row>({ name: statement.name, text: statement.text, values: args, rowMode: 'array' })
      return rows
    },
  }
}

/** A Prisma client for scripts and tests, on a pool of its own. */
export function createPrismaClient(connectionString: string | undefined, options: { max?: number } = {}): PrismaClient {
  return createDatabase(connectionString, options).prisma
}
