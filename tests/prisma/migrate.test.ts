import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { createHash, randomUUID } from 'node:crypto'
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { migrate } from '../../prisma/migrate'
import { rootDir } from '../helpers/paths'
import { createScratchDatabase } from '../helpers/scratch-db'

const adminUrl = inject('adminDatabaseUrl')

// What is expected is worked out here, independently of prisma/migrate.ts: every folder of
// prisma/migrations, in name order, and the SHA-256 (hex) of its migration.sql bytes.
const realDir = join(rootDir, 'prisma/migrations')
const migrationNames = (await readdir(realDir, { withFileTypes: true })).filter(e => e.isDirectory()).map(e => e.name).sort()
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')
const checksums = Object.fromEntries(await Promise.all(migrationNames.map(async n => [n, sha256(await readFile(join(realDir, n, 'migration.sql')))])))

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface MigrationRow {
  id: string
  checksum: string
  finished_at: Date | null
  migration_name: string
  logs: string | null
  rolled_back_at: Date | null
  started_at: Date
  applied_steps_count: number
}

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function scratchDatabase() {
  const db = await createScratchDatabase()
  cleanups.push(() => db.drop())
  return db.url
}

/** A temporary copy of prisma/migrations, plus extra migration folders (name -> SQL). */
async function migrationsCopy(extra: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'chat-files-migrations-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  await cp(realDir, dir, { recursive: true })
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(join(dir, name))
    await writeFile(join(dir, name, 'migration.sql'), sql)
  }
  return dir
}

async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  }
  finally {
    await client.end()
  }
}

const migrationRows = (url: string) =>
  query<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name')

const tableExists = async (url: string, table: string) =>
  (await query<{ t: string | null }>(url, 'SELECT to_regclass($1)::text AS t', [`public."${table}"`]))[0]!.t !== null

describe('prisma/migrate.ts', () => {
  it('finds at least one migration to test with', () => {
    expect(migrationNames.length).toBeGreaterThan(0)
  })

  it('applies every migration on a fresh database and records each in _prisma_migrations as Prisma does', async () => {
    const url = await scratchDatabase()
    const result = await migrate(url)
    expect(result).toEqual({ applied: migrationNames, alreadyApplied: [] })

    const rows = await migrationRows(url)
    expect(rows.map(r => r.migration_name)).toEqual(migrationNames)
    for (const row of rows) {
      expect(row.id).toMatch(uuid)
      expect(row.checksum).toBe(checksums[row.migration_name])
      expect(row.finished_at).toBeInstanceOf(Date)
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime())
      expect(row.rolled_back_at).toBeNull()
      expect(row.applied_steps_count).toBe(1)
      expect(row.logs).toBeNull()
    }
    expect(new Set(rows.map(r => r.id)).size).toBe(rows.length)

    // The table exactly as Prisma's schema engine creates it on PostgreSQL.
    const columns = await query(url, `
      SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = '_prisma_migrations'
      ORDER BY ordinal_position`)
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
    ])
    const primaryKey = await query(url, `
      SELECT a.attname
      FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = 'public."_prisma_migrations"'::regclass AND i.indisprimary`)
    expect(primaryKey).toEqual([{ attname: 'id' }])
  })

  it('applies migration folders in name order, whatever order they were created in', async () => {
    // Created in reverse order on disk; the second one only works after the first.
    const dir = await migrationsCopy({
      '29980102000000_second': 'ALTER TABLE "order_probe" ADD COLUMN "b" INTEGER;',
      '29980101000000_first': 'CREATE TABLE "order_probe" ("a" INTEGER);',
    })
    const url = await scratchDatabase()
    const result = await migrate(url, { dir })
    expect(result.applied).toEqual([...migrationNames, '29980101000000_first', '29980102000000_second'])
    expect((await migrationRows(url)).map(r => r.migration_name)).toEqual(result.applied)
  })

  it('applies nothing when run again', async () => {
    const url = await scratchDatabase()
    await migrate(url)
    const before = await migrationRows(url)
    const lines: string[] = []
    const again = await migrate(url, { log: line => lines.push(line) })
    expect(again).toEqual({ applied: [], alreadyApplied: migrationNames })
    expect(lines).toEqual([])
    expect(await migrationRows(url)).toEqual(before)
  })

  it.skipIf(!adminUrl)('applies each migration exactly once when two runs start at the same moment (real PostgreSQL only: PGlite shares one session across connections, so advisory locks do not exclude there)', async () => {
    const url = await scratchDatabase()
    const results = await Promise.allSettled([migrate(url), migrate(url)])
    const errors = results.filter(r => r.status === 'rejected').map(r => String((r as PromiseRejectedResult).reason))
    expect(errors).toEqual([])
    const [a, b] = results.map(r => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof migrate>>>).value)
    expect([...a!.applied, ...b!.applied].sort()).toEqual(migrationNames)
    // Whoever got the lock second found everything done.
    const second = a!.applied.length ? b! : a!
    expect(second).toEqual({ applied: [], alreadyApplied: migrationNames })
    const rows = await migrationRows(url)
    expect(rows.map(r => r.migration_name)).toEqual(migrationNames)
    expect(rows.every(r => r.finished_at && r.applied_steps_count === 1)).toBe(true)
  })

  it('rolls a failing migration back completely, names it in the error, and keeps the earlier ones', async () => {
    const dir = await migrationsCopy({
      '29980101000000_valid': 'CREATE TABLE "probe_valid" ("id" INTEGER);',
      '29990101000000_broken': 'CREATE TABLE "probe_broken" ("id" INTEGER);\nINSERT INTO "probe_valid" VALUES (1);\nTHIS IS NOT SQL;\n',
    })
    const url = await scratchDatabase()
    await expect(migrate(url, { dir })).rejects.toThrow(/29990101000000_broken/)

    expect(await tableExists(url, 'probe_broken')).toBe(false)
    expect(await query(url, 'SELECT * FROM "probe_valid"')).toEqual([])
    const rows = await migrationRows(url)
    expect(rows.map(r => r.migration_name)).toEqual([...migrationNames, '29980101000000_valid'])
    expect(rows.every(r => r.finished_at && !r.rolled_back_at)).toBe(true)
    expect(await tableExists(url, 'user')).toBe(true)

    // Nothing was left recorded as unfinished: a new attempt fails on the same script again.
    const retry = migrate(url, { dir })
    await expect(retry).rejects.toThrow(/29990101000000_broken/)
    await expect(retry).rejects.not.toThrow(/resolve/i)
    expect(await migrationRows(url)).toEqual(rows)
  })

  it('warns through `log` about a migration modified after it was applied, and does not apply it again', async () => {
    const dir = await migrationsCopy()
    const url = await scratchDatabase()
    await migrate(url, { dir })
    const before = await migrationRows(url)

    const edited = migrationNames.at(-1)!
    await appendFile(join(dir, edited, 'migration.sql'), '\nCREATE TABLE "probe_edited" ("id" INTEGER);\n')
    const lines: string[] = []
    const result = await migrate(url, { dir, log: line => lines.push(line) })

    expect(result).toEqual({ applied: [], alreadyApplied: migrationNames })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/warning/i)
    expect(lines[0]).toContain(edited)
    expect(await tableExists(url, 'probe_edited')).toBe(false)
    // The books still hold the checksum of what was actually applied.
    expect(await migrationRows(url)).toEqual(before)
  })

  it('refuses to migrate while a migration is recorded as unfinished, until it is resolved', async () => {
    const next = '29990101000000_next'
    const dir = await migrationsCopy({ [next]: 'CREATE TABLE "probe_next" ("id" INTEGER);' })
    const url = await scratchDatabase()
    await migrate(url)
    // What Prisma leaves behind when a migration fails half way: started, neither finished nor rolled back.
    await query(url, `
      INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
      VALUES ($1, $2, $3, 'it failed', now(), 0)`, [randomUUID(), sha256('CREATE TABLE "probe_next" ("id" INTEGER);'), next])

    const attempt = migrate(url, { dir })
    await expect(attempt).rejects.toThrow(/resolve/i)
    await expect(attempt).rejects.toThrow(next)
    expect(await tableExists(url, 'probe_next')).toBe(false)
    expect((await migrationRows(url)).filter(r => r.migration_name === next)).toHaveLength(1)

    // `prisma migrate resolve --rolled-back` sets rolled_back_at; then the migration is applied afresh.
    await query(url, 'UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1', [next])
    expect(await migrate(url, { dir })).toEqual({ applied: [next], alreadyApplied: migrationNames })
    expect(await tableExists(url, 'probe_next')).toBe(true)
    const nextRows = (await migrationRows(url)).filter(r => r.migration_name === next)
    expect(nextRows.map(r => [!!r.finished_at, !!r.rolled_back_at])).toEqual([[false, true], [true, false]])
  })
})

describe('npm run db:migrate', () => {
  // Asynchronous: an embedded scratch database is served from this very process, which must keep running.
  const runCli = (env: Record<string, string>) => promisify(execFile)(process.execPath, ['node_modules/jiti/lib/jiti-cli.mjs', 'prisma/migrate.ts'], {
    cwd: rootDir, encoding: 'utf8', env: { PATH: process.env.PATH!, ...env },
  }).then(r => ({ status: 0, ...r }), (e: { code: number, stdout: string, stderr: string }) => ({ status: e.code, stdout: e.stdout, stderr: e.stderr }))

  it('migrates DATABASE_URL, then reports it up to date', async () => {
    const url = await scratchDatabase()
    const first = await runCli({ DATABASE_URL: url })
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout).toContain(`${migrationNames.length} migration(s) applied`)
    const second = await runCli({ DATABASE_URL: url })
    expect(second.status, second.stderr).toBe(0)
    expect(second.stdout).toContain('Database is up to date')
  })

  it('exits 1 and says so without DATABASE_URL', async () => {
    const result = await runCli({})
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('DATABASE_URL is not set')
  })
})
