import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { migrate } from '../../prisma/migrate'
import { startEmbeddedPostgres } from '../../modules/local-services/postgres'
import { resolveLocalhostPreload, startTestStorage, type TestStorage } from '../support/test-storage'
import { rootDir } from '../helpers/paths'

// Real services for the whole run: a PostgreSQL database of the suite's own (created on
// TEST_DATABASE_URL / DATABASE_URL's server and dropped afterwards, or embedded PGlite when neither is set),
// storage that verifies like S3 (Ceph RGW behind the checksum gate, tests/support/), the migrations
// applied, and one production build of the app. Storage starts while the app builds.

declare module 'vitest' {
  export interface ProvidedContext {
    appEnv: Record<string, string>
    /** Server to create scratch databases on; empty when the suite runs on embedded PGlite. */
    adminDatabaseUrl: string
    /** The suite's storage: endpoints (gate, gate by name, RGW itself), bucket, keys, cluster access. */
    testStorage: TestStorage
  }
}

export default async function setup(project: TestProject) {
  const cleanups: (() => Promise<unknown>)[] = []
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(error => console.error('cleanup failed:', error))
  }
  // Storage and the build take longest and need nothing else: both begin at once.
  const started = performance.now()
  const storageStart = startTestStorage({ bucket: 'test-bucket' }).then((running) => {
    cleanups.push(() => running.stop())
    console.log(`Test storage (Ceph RGW ${running.storage.rgwEndpoint} behind the checksum gate ${running.storage.endpoint}) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    return running.storage
  })
  const building = process.env.TEST_SKIP_BUILD ? undefined : build()
  // Awaited below; a failure of one while the other still runs is not an unhandled rejection.
  storageStart.catch(() => {})
  building?.done.catch(() => {})
  try {
    const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL
    const databaseUrl = await createDatabase(serverUrl, cleanups)
    await migrate(databaseUrl)
    const [storage] = await Promise.all([storageStart, building?.done])

    project.provide('adminDatabaseUrl', serverUrl ?? '')
    project.provide('testStorage', storage)
    project.provide('appEnv', {
      DATABASE_URL: databaseUrl,
      NUXT_SESSION_PASSWORD: randomBytes(32).toString('hex'),
      NUXT_S3_ENDPOINT: storage.endpoint,
      NUXT_S3_BUCKET: storage.bucket,
      NUXT_S3_ACCESS_KEY_ID: storage.accessKeyId,
      NUXT_S3_SECRET_ACCESS_KEY: storage.secretAccessKey,
      NUXT_S3_FORCE_PATH_STYLE: 'true',
      NUXT_S3_REGION: storage.region,
      // App servers resolve bucket.s3.localhost like browsers do, for virtual-hosted-style storage URLs.
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(resolveLocalhostPreload).href}`.trim(),
      // Every test file signs users up and in from 127.0.0.1; tests of throttling set their own limits and
      // client addresses (tests/server/api/auth/throttle.test.ts).
      NUXT_THROTTLE_ADDRESS_LIMIT: '1000000',
      NUXT_THROTTLE_SIGN_UP_LIMIT: '1000000',
    })
    return cleanUp
  }
  catch (error) {
    building?.child.kill()
    await storageStart.catch(() => {})
    await cleanUp()
    throw error
  }
}

/** `chat_files_test_<random>` on the given server (dropped afterwards), else an embedded PGlite. */
async function createDatabase(serverUrl: string | undefined, cleanups: (() => Promise<unknown>)[]) {
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres()
    cleanups.push(() => embedded.stop())
    return embedded.url
  }
  const name = `chat_files_test_${randomBytes(4).toString('hex')}`
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`)
  cleanups.push(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

function build() {
  const child = spawn(process.execPath, ['node_modules/nuxt/bin/nuxt.mjs', 'build'], { cwd: rootDir, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', code => (code === 0 ? resolve() : reject(new Error('nuxt build failed'))))
  })
  return { child, done }
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
