import { createHash, randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

// Applies prisma/migrations the way `prisma migrate deploy` does, for machines where Prisma's schema
// engine cannot be downloaded. Both tools keep the same books (`_prisma_migrations`, same checksums)
// and take the same advisory lock, so either can take over from the other at any time.

/** The advisory lock key `prisma migrate` itself takes; sharing it serializes us with Prisma too. */
export const MIGRATION_LOCK_KEY = 72707369

export const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url))

// The table as Prisma's schema engine creates it on PostgreSQL.
const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`

export interface Migration { name: string, sql: string, checksum: string }

/** SHA-256 of the script, hex: what Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex')
}

export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const names = entries.filter(e => e.isDirectory()).map(e => e.name).sort()
  return Promise.all(names.map(async (name) => {
    const sql = await readFile(`${dir}/${name}/migration.sql`, 'utf8')
    return { name, sql, checksum: migrationChecksum(sql) }
  }))
}

export interface MigrateResult { applied: string[], alreadyApplied: string[] }

/**
 * Applies every pending migration, each in its own transaction, under the migration advisory lock:
 * a second process starting at the same moment waits, then finds nothing left to do.
 */
export async function migrate(connectionString: string, options: { dir?: string, log?: (line: string) => void } = {}): Promise<MigrateResult> {
  const log = options.log ?? (() => {})
  const migrations = await readMigrations(options.dir)
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    // Waits for another instance that is migrating right now; it finds nothing left to do afterwards.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    try {
      await client.query(createMigrationsTable)
      const { rows } = await client.query<{ migration_name: string, checksum: string, finished_at: Date | null, rolled_back_at: Date | null }>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      )
      const failed = rows.find(r => !r.finished_at && !r.rolled_back_at)
      if (failed) throw new Error(`Migration ${failed.migration_name} failed earlier and is recorded as unfinished; resolve it (prisma migrate resolve) before migrating`)
      const done = new Map(rows.filter(r => r.finished_at).map(r => [r.migration_name, r.checksum]))
      const result: MigrateResult = { applied: [], alreadyApplied: [] }
      for (const m of migrations) {
        if (done.has(m.name)) {
          if (done.get(m.name) !== m.checksum) log(`warning: migration ${m.name} was modified after it was applied`)
          result.alreadyApplied.push(m.name)
          continue
        }
        await applyOne(client, m)
        log(`applied migration ${m.name}`)
        result.applied.push(m.name)
      }
      return result
    }
    finally {
      // Closing the connection releases the lock anyway; a failure here must not hide the real error.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
    }
  }
  finally {
    await client.end()
  }
}

async function applyOne(client: pg.Client, m: Migration) {
  await client.query('BEGIN')
  try {
    const id = randomUUID()
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, m.checksum, m.name],
    )
    await client.query(m.sql)
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id])
    await client.query('COMMIT')
  }
  catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw new Error(`Migration ${m.name} failed and was rolled back: ${(error as Error).message}`)
  }
}

// `npm run db:migrate`
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const url = process.env.DATABASE_URL
  if (!url) {
    console.error('DATABASE_URL is not set')
    process.exit(1)
  }
  migrate(url, { log: console.log })
    .then(r => console.log(r.applied.length ? `${r.applied.length} migration(s) applied` : 'Database is up to date'))
    .catch((error) => {
      console.error(error.message)
      process.exit(1)
    })
}
