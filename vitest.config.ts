import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: { '#shared': fileURLToPath(new URL('./shared', import.meta.url)) },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Starts PostgreSQL (or uses DATABASE_URL / TEST_DATABASE_URL) and an S3 server, migrates, builds the app once.
    globalSetup: ['tests/setup/global.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // End-to-end files each start a production server; two at a time suit a 2-core machine.
    maxWorkers: 2,
  },
})
