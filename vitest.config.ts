import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    alias: { '#shared': fileURLToPath(new URL('./shared', import.meta.url)) },
  },
  test: {
    // Browser tests need Chromium (/usr/bin/chromium): `npm run test:browser` runs them, `npm test` the rest.
    include: process.env.CHAT_FILES_BROWSER_TESTS ? ['tests/browser/**/*.test.ts'] : ['tests/**/*.test.ts'],
    exclude: process.env.CHAT_FILES_BROWSER_TESTS ? [] : ['tests/browser/**', 'node_modules/**'],
    // Starts PostgreSQL (or uses DATABASE_URL / TEST_DATABASE_URL) and the test storage, migrates, builds the app once.
    globalSetup: ['tests/setup/global.ts'],
    // Workers resolve bucket.s3.localhost to loopback, as browsers do (virtual-hosted-style storage URLs).
    execArgv: ['--import', fileURLToPath(new URL('./tests/support/resolve-localhost.mjs', import.meta.url))],
    testTimeout: process.env.CHAT_FILES_BROWSER_TESTS ? 60_000 : 30_000,
    hookTimeout: 120_000,
    // End-to-end files each start a production server; two at a time suit a 2-core machine. Browser files run
    // one at a time: each drives Chromium, and the photo measurement must not share the machine with another.
    maxWorkers: 2,
    fileParallelism: !process.env.CHAT_FILES_BROWSER_TESTS,
  },
})
