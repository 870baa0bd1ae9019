import { fileURLToPath } from 'node:url'

export const rootDir = fileURLToPath(new URL('../..', import.meta.url))
export const outputDir = fileURLToPath(new URL('../../.output', import.meta.url))
