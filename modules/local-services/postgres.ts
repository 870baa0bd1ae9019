import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

// PostgreSQL compiled to WebAssembly, in this process, served on a local TCP port so the app reaches
// it through the same @prisma/adapter-pg code path as a real server. For development and tests only:
// it runs one query at a time, and all connections share one session.

export interface EmbeddedPostgres { url: string, stop(): Promise<void> }

export async function startEmbeddedPostgres(options: { dataDir?: string, port?: number } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true })
  const db = await PGlite.create(options.dataDir)
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 100 })
  await server.start()
  return {
    url: `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop()
      await db.close()
    },
  }
}
