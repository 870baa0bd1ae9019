import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { appEnv } from '../../helpers/app'
import { outputDir } from '../../helpers/paths'

/** Starts the production server with exactly `env` (plus PATH) and collects what it prints until it exits. */
function startProduction(env: Record<string, string>, port: number) {
  return new Promise<{ code: number | null, output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [`${outputDir}/server/index.mjs`], {
      env: { PATH: process.env.PATH!, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', ...env },
    })
    let output = ''
    child.stdout.on('data', d => (output += d))
    child.stderr.on('data', d => (output += d))
    // A configured server keeps running; stop it once it has said it listens.
    const timer = setTimeout(() => child.kill(), 10_000)
    child.stdout.on('data', () => /Listening on/.test(output) && child.kill())
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe('production start-up configuration check', () => {
  it('refuses to start with nothing configured, naming every missing setting in one message', async () => {
    const { code, output } = await startProduction({}, 39871)
    expect(code).toBe(1)
    for (const name of ['DATABASE_URL', 'NUXT_SESSION_PASSWORD', 'NUXT_S3_BUCKET', 'NUXT_S3_ACCESS_KEY_ID', 'NUXT_S3_SECRET_ACCESS_KEY']) {
      expect(output).toContain(name)
    }
    expect(output.match(/Cannot start/g)).toHaveLength(1)
    // No embedded fallback was attempted.
    expect(output).not.toMatch(/PGlite|s3rver|Listening on/i)
  })

  it('names only what is missing or invalid', async () => {
    const { DATABASE_URL, NUXT_SESSION_PASSWORD, ...s3 } = appEnv()
    const { code, output } = await startProduction({ ...s3, DATABASE_URL: DATABASE_URL!, NUXT_SESSION_PASSWORD: 'too-short', NUXT_S3_URL_TTL: '999999' }, 39872)
    expect(code).toBe(1)
    expect(output).toContain('NUXT_SESSION_PASSWORD must be at least 32 characters')
    expect(output).toContain('NUXT_S3_URL_TTL')
    expect(output).not.toContain('DATABASE_URL is not set')
    expect(output).not.toContain('NUXT_S3_BUCKET')
    expect(NUXT_SESSION_PASSWORD).toBeTruthy()
  })

  it('names invalid session, request and throttle settings', async () => {
    const { code, output } = await startProduction(appEnv({
      NUXT_SESSION_IDLE_TIMEOUT: '30',
      NUXT_TRUSTED_PROXIES: '-1',
      NUXT_ORIGIN: 'files.example.com',
      NUXT_JSON_BODY_LIMIT: '0',
      NUXT_THROTTLE_ACCOUNT_LIMIT: '0',
    }), 39874)
    expect(code).toBe(1)
    for (const name of ['NUXT_SESSION_IDLE_TIMEOUT', 'NUXT_TRUSTED_PROXIES', 'NUXT_ORIGIN', 'NUXT_JSON_BODY_LIMIT', 'NUXT_THROTTLE_ACCOUNT_LIMIT']) {
      expect(output).toContain(name)
    }
    expect(output).not.toContain('NUXT_THROTTLE_ADDRESS_LIMIT')
  })

  it('starts when everything is set', async () => {
    const { code, output } = await startProduction(appEnv(), 39873)
    expect(output).toMatch(/Listening on/)
    expect(output).not.toContain('Cannot start')
    expect(code === null || code === 0 || code === 143).toBe(true)
  })
})
