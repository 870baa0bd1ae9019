import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'
import { createServer as createTcpServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appEnv } from '../../helpers/app'
import { outputDir } from '../../helpers/paths'

// An empty home: the server must not find this machine's own AWS configuration.
let home: string
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'chat-files-home-'))
})
afterAll(() => rm(home, { recursive: true, force: true }))

/**
 * Starts the production server with exactly `env` (plus PATH, an empty HOME and no instance metadata unless
 * `env` says otherwise) and collects what it prints until it exits, or until it has said where its storage
 * credentials come from (then it is stopped).
 */
function startProduction(env: Record<string, string>, port: number) {
  return new Promise<{ code: number | null, output: string, ms: number }>((resolve, reject) => {
    const started = Date.now()
    const child = spawn(process.execPath, [`${outputDir}/server/index.mjs`], {
      env: { PATH: process.env.PATH!, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', ...env },
    })
    let output = ''
    child.stdout.on('data', d => (output += d))
    child.stderr.on('data', d => (output += d))
    // A configured server keeps running; stop it once it has said it listens and which credentials it uses.
    const timer = setTimeout(() => child.kill(), 10_000)
    child.stdout.on('data', () => /Listening on/.test(output) && /Storage credentials:/.test(output) && child.kill())
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output, ms: Date.now() - started })
    })
  })
}

/** The suite's settings without static storage keys. */
function withoutKeys() {
  const { NUXT_S3_ACCESS_KEY_ID: _id, NUXT_S3_SECRET_ACCESS_KEY: _secret, ...env } = appEnv()
  return env
}

async function listen(server: Server) {
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  return (server.address() as AddressInfo).port
}

describe('production start-up configuration check', () => {
  it('refuses to start with nothing configured, naming every missing setting in one message', async () => {
    const { code, output } = await startProduction({}, 39871)
    expect(code).toBe(1)
    for (const name of ['DATABASE_URL', 'NUXT_SESSION_PASSWORD', 'NUXT_S3_BUCKET']) {
      expect(output).toContain(name)
    }
    // Static keys are optional now: without them the AWS SDK's credential chain is asked.
    expect(output).not.toContain('NUXT_S3_ACCESS_KEY_ID')
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

  it('starts when everything is set, saying it signs with the static keys', async () => {
    const { code, output } = await startProduction(appEnv(), 39873)
    expect(output).toMatch(/Listening on/)
    expect(output).toContain('[storage] Storage credentials: static keys (NUXT_S3_ACCESS_KEY_ID)')
    expect(output).not.toContain('Cannot start')
    expect(code === null || code === 0 || code === 143).toBe(true)
  })

  it('names the other static key when only one is set', async () => {
    const { code, output } = await startProduction({ ...withoutKeys(), NUXT_S3_ACCESS_KEY_ID: 'AKIAONLY' }, 39881)
    expect(code).toBe(1)
    expect(output).toContain('NUXT_S3_SECRET_ACCESS_KEY is not set, but NUXT_S3_ACCESS_KEY_ID is')
  })

  it('without static keys and with no credentials anywhere, stops at once, naming what to set', async () => {
    const { code, output } = await startProduction(withoutKeys(), 39882)
    expect(code).toBe(1)
    expect(output).toContain('Cannot start: No credentials for storage. Set NUXT_S3_ACCESS_KEY_ID and NUXT_S3_SECRET_ACCESS_KEY, or run with credentials the AWS SDK finds: an IAM role')
    expect(output).toContain('Could not load credentials from any providers')
    expect(output).not.toContain('Storage credentials:')
  })

  it('does not hang on instance metadata that never answers: gives up within seconds', async () => {
    // A metadata endpoint that accepts connections and never answers, like a firewalled link-local address.
    const sockets = new Set<import('node:net').Socket>()
    const silent = createTcpServer(socket => sockets.add(socket))
    const port = await listen(silent)
    try {
      const { code, output, ms } = await startProduction({ ...withoutKeys(), AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}` }, 39883)
      expect(code).toBe(1)
      expect(output).toContain('Cannot start: No credentials for storage')
      // Not killed by the 10 s guard: the SDK's 1 s timeouts ended the probe (token, then profile).
      expect(ms).toBeLessThan(10_000)
      expect(sockets.size).toBeGreaterThan(0)
    }
    finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  })

  it('without static keys, uses and names the chain\'s environment variables', async () => {
    const { output } = await startProduction({ ...withoutKeys(), AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }, 39884)
    expect(output).toContain('[storage] Storage credentials: AWS SDK default chain: environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; long-term keys')
    expect(output).not.toContain('Cannot start')
  })

  it('without static keys, uses and names a container credentials endpoint (ECS task role, EKS Pod Identity), with the expiry', async () => {
    const expiration = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const endpoint = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ AccessKeyId: 'ASIAROLE', SecretAccessKey: 'role-secret', Token: 'role-token', Expiration: expiration }))
    })
    const port = await listen(endpoint)
    try {
      const { output } = await startProduction({ ...withoutKeys(), AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/v2/credentials` }, 39885)
      expect(output).toContain(`[storage] Storage credentials: AWS SDK default chain: container credentials endpoint (ECS task role or EKS Pod Identity); temporary, valid until ${expiration.replace('Z', '.000Z')} and renewed before then`)
    }
    finally {
      endpoint.close()
    }
  })
})
