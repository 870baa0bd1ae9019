// `prisma generate` without network: the CLI insists on locating a schema engine binary, which it would
// download, although generating the client never runs it. Any existing file satisfies the lookup.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const env = { ...process.env }
env.PRISMA_SCHEMA_ENGINE_BINARY ||= fileURLToPath(import.meta.url)
env.PRISMA_HIDE_UPDATE_MESSAGE = '1'
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], { stdio: 'inherit', env })
process.exit(result.status ?? 1)
