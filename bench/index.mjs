// `npm run bench`: runs bench/run.ts through jiti, with the `#shared` alias Nuxt and vitest give the code.
import { fileURLToPath } from 'node:url'
import { createJiti } from 'jiti'

const jiti = createJiti(import.meta.url, { alias: { '#shared': fileURLToPath(new URL('../shared', import.meta.url)) } })
await jiti.import(process.argv[2] === 'micro' ? './micro.ts' : './run.ts')
