import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { startEmbeddedPostgres } from '../../modules/local-services/postgres'

export interface ScratchDatabase {
  /** Connection string of a fresh, empty database. */
  url: string
  /** Drops the database (closing any connection still open on it), or stops the embedded server. */
  drop(): Promise<void>
}

/**
 * A fresh empty database of the caller's own: `chat_files_scratch_<random>` on the suite's PostgreSQL
 * server when the suite runs against one (`inject('adminDatabaseUrl')`), else a new in-memory PGlite.
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const adminUrl = inject('adminDatabaseUrl')
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres()
    return { url: embedded.url, drop: () => embedded.stop() }
  }
  const name = `chat_files_scratch_${randomBytes(6).toString('hex')}`
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    },
  }
}

async function adminQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  }
  finally {
    await client.end()
  }
}
