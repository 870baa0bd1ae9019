import { resolve } from 'node:path'
import { defineNuxtModule, useLogger } from '@nuxt/kit'
import { hasS3Env, s3SettingsFromEnv } from '../../server/utils/config'

// `nuxt dev` on a machine with nothing configured: start an embedded PostgreSQL and a local S3 server
// (data under .data/), migrate, and seed demo users on first start. Whatever DATABASE_URL or NUXT_S3_*
// provide is used instead. Production builds never contain any of this.

interface Running { databaseUrl?: string, s3Env?: Record<string, string> }
const state = globalThis as typeof globalThis & { __chatFilesLocalServices?: Promise<Running> }

export default defineNuxtModule({
  meta: { name: 'local-services' },
  async setup(_options, nuxt) {
    if (!nuxt.options.dev || nuxt.options._prepare || process.env.VITEST) return
    const logger = useLogger('local-services')
    // Config reloads re-run modules in the same process; the services keep running across them.
    const running = await (state.__chatFilesLocalServices ??= start(resolve(nuxt.options.rootDir, '.data'), appOrigins(nuxt.options.devServer), logger.info))
    if (running.databaseUrl) process.env.DATABASE_URL = running.databaseUrl
    Object.assign(process.env, running.s3Env)
  },
})

async function start(dataDir: string, origins: string[], log: (message: string) => void): Promise<Running> {
  // Imported here, not at the top: `nuxt prepare` loads this module before the Prisma client is generated.
  const [{ startEmbeddedPostgres }, { startLocalS3 }, { migrate }, { defaultSeedPassword, seed, seedEmails }, { createS3Client }] = await Promise.all([
    import('./postgres'), import('./s3'), import('../../prisma/migrate'), import('../../prisma/seed'), import('../../server/utils/storage'),
  ])
  const running: Running = {}
  const embeddedDb = !process.env.DATABASE_URL
  if (embeddedDb) {
    const pg = await startEmbeddedPostgres({ dataDir: resolve(dataDir, 'pglite'), port: Number(process.env.LOCAL_PG_PORT) || 0 })
    running.databaseUrl = process.env.DATABASE_URL = pg.url
    log(`Embedded PostgreSQL (PGlite) at ${pg.url}`)
  }
  if (!hasS3Env()) {
    const s3 = await startLocalS3({ directory: resolve(dataDir, 's3'), bucket: 'chat-files', port: Number(process.env.LOCAL_S3_PORT) || 0, allowedOrigins: origins })
    running.s3Env = {
      NUXT_S3_ENDPOINT: s3.endpoint,
      NUXT_S3_BUCKET: s3.bucket,
      NUXT_S3_ACCESS_KEY_ID: s3.accessKeyId,
      NUXT_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      NUXT_S3_FORCE_PATH_STYLE: 'true',
    }
    Object.assign(process.env, running.s3Env)
    log(`Local S3 server (s3rver, for local use only) at ${s3.endpoint}, bucket ${s3.bucket}`)
  }
  await migrate(process.env.DATABASE_URL!, { log })
  // Demo data only goes into the embedded database, never into one the developer pointed us at.
  if (embeddedDb) {
    const settings = s3SettingsFromEnv()
    const password = process.env.SEED_PASSWORD || defaultSeedPassword
    await seed({ databaseUrl: process.env.DATABASE_URL!, s3: createS3Client(settings), bucket: settings.bucket, password, log })
    log(`Demo users: ${seedEmails.join(', ')} — password: ${password}`)
  }
  return running
}

/** The dev server's origins: the only ones the local bucket lets browsers PUT and GET from. */
function appOrigins(devServer: { host?: string, port?: number, https?: unknown }): string[] {
  const protocol = devServer.https ? 'https' : 'http'
  const port = devServer.port || 3000
  const hosts = new Set(['localhost', '127.0.0.1', devServer.host].filter((h): h is string => !!h && h !== '0.0.0.0'))
  return [...hosts].map(host => `${protocol}://${host}:${port}`)
}
