import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { migrate } from '../../prisma/migrate'
import { startEmbeddedPostgres } from '../../modules/local-services/postgres'
import { startLocalS3 } from '../../modules/local-services/s3'
import { rootDir } from '../helpers/paths'

// Real services for the whole run: a PostgreSQL database of the suite's own (created on
// TEST_DATABASE_URL / DATABASE_URL's server and dropped afterwards, or embedded PGlite when neither is set),
// an S3-compatible server, the migrations applied, and one production build of the app.

declare module 'vitest' {
  export interface ProvidedContext {
    appEnv: Record<string, string>
    /** Server to create scratch databases on; empty when the suite runs on embedded PGlite. */
    adminDatabaseUrl: string
  }
}

export default async function setup(project: TestProject) {
  const cleanups: (() => Promise<unknown>)[] = []
  const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL
  let databaseUrl: string
  if (serverUrl) {
    const name = `chat_files_test_${randomBytes(4).toString('hex')}`
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`)
    cleanups.push(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    databaseUrl = url.toString()
  }
  else {
    const embedded = await startEmbeddedPostgres()
    cleanups.push(() => embedded.stop())
    databaseUrl = embedded.url
  }
  await migrate(databaseUrl)

  const s3Dir = await mkdtemp(join(tmpdir(), 'chat-files-s3-'))
  const s3 = await startLocalS3({ directory: s3Dir, bucket: 'test-bucket' })
  cleanups.push(() => s3.stop(), () => rm(s3Dir, { recursive: true, force: true }))

  if (!process.env.TEST_SKIP_BUILD) {
    const build = spawnSync(process.execPath, ['node_modules/nuxt/bin/nuxt.mjs', 'build'], { cwd: rootDir, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
    if (build.status !== 0) throw new Error('nuxt build failed')
  }

  project.provide('adminDatabaseUrl', serverUrl ?? '')
  project.provide('appEnv', {
    DATABASE_URL: databaseUrl,
    NUXT_SESSION_PASSWORD: randomBytes(32).toString('hex'),
    NUXT_S3_ENDPOINT: s3.endpoint,
    NUXT_S3_BUCKET: s3.bucket,
    NUXT_S3_ACCESS_KEY_ID: s3.accessKeyId,
    NUXT_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    NUXT_S3_FORCE_PATH_STYLE: 'true',
    NUXT_S3_REGION: 'us-east-1',
    // Every test file signs users up and in from 127.0.0.1; tests of throttling set their own limits and
    // client addresses (tests/server/api/auth/throttle.test.ts).
    NUXT_THROTTLE_ADDRESS_LIMIT: '1000000',
    NUXT_THROTTLE_SIGN_UP_LIMIT: '1000000',
  })

  return async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(error => console.error('cleanup failed:', error))
  }
}

export async function adminQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(sql)
  }
  finally {
    await client.end()
  }
}
