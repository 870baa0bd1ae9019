import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CredentialProvider, ResolvedCredentials } from '../../../server/utils/credentials'
import {
  createStorageCredentials,
  defaultCredentialChain,
  describeCredentialSource,
  MIN_VALIDITY_MS,
  missingCredentialsMessage,
  renewalMargin,
  RETRY_MS,
} from '../../../server/utils/credentials'

const settings = { accessKeyId: '', secretAccessKey: '', urlTtl: 900, region: 'us-east-1' }
const T0 = Date.UTC(2026, 10, 25, 10, 0, 0)
const MIN = 60_000

/** A provider handing out numbered temporary credentials valid `lifetimeMs` from the moment they are asked for. */
function fakeProvider(lifetimeMs: number, clock: () => number = Date.now) {
  const calls: { forceRefresh?: boolean }[] = []
  let failing = false
  const provider: CredentialProvider = async (options) => {
    calls.push({ ...options })
    if (failing) throw new Error('provider down')
    const n = calls.length
    return { accessKeyId: `ASIA${n}`, secretAccessKey: `secret${n}`, sessionToken: `token${n}`, expiration: new Date(clock() + lifetimeMs) }
  }
  return { provider, calls, fail: (on: boolean) => { failing = on } }
}

describe('createStorageCredentials: static keys', () => {
  it('uses NUXT_S3_* keys as they are, without an expiry or a provider', async () => {
    const c = createStorageCredentials({ ...settings, accessKeyId: 'AKID', secretAccessKey: 'SECRET' })
    expect(c.kind).toBe('static')
    expect(c.current()).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'SECRET' })
    expect(await c.ready()).toBe(c.current())
    expect(describeCredentialSource(c.kind, c.current())).toBe('static keys (NUXT_S3_ACCESS_KEY_ID)')
  })
})

describe('createStorageCredentials: temporary credentials from a provider', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('asks the provider once, shares one request between concurrent callers, and has nothing before', async () => {
    const fake = fakeProvider(60 * MIN)
    const c = createStorageCredentials(settings, { provider: fake.provider })
    expect(c.kind).toBe('chain')
    expect(c.current()).toBeUndefined()
    const [a, b] = await Promise.all([c.ready(), c.ready()])
    expect(a).toBe(b)
    expect(await c.ready()).toBe(a)
    expect(c.current()).toBe(a)
    expect(fake.calls).toEqual([{ forceRefresh: false }])
    c.stop()
  })

  it('renews before expiry by itself, with no request needed: a 1-hour credential 20 minutes before it ends', async () => {
    const fake = fakeProvider(60 * MIN)
    const c = createStorageCredentials(settings, { provider: fake.provider })
    const first = await c.ready()
    await vi.advanceTimersByTimeAsync(40 * MIN - 1000)
    expect(fake.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(fake.calls).toEqual([{ forceRefresh: false }, { forceRefresh: true }])
    expect(c.current()).not.toBe(first)
    expect(c.current()!.accessKeyId).toBe('ASIA2')
    // And again, 40 minutes after the renewal.
    await vi.advanceTimersByTimeAsync(40 * MIN)
    expect(c.current()!.accessKeyId).toBe('ASIA3')
    c.stop()
  })

  it('renews short-lived credentials in the second half of their life, not again and again', async () => {
    const fake = fakeProvider(15 * MIN)
    const c = createStorageCredentials(settings, { provider: fake.provider })
    await c.ready()
    await vi.advanceTimersByTimeAsync(60 * MIN)
    // Every 7.5 minutes: 8 renewals in an hour, plus the first fetch.
    expect(fake.calls).toHaveLength(9)
    c.stop()
  })

  it('when the provider keeps handing out the same credentials (not rotated yet), tries again once a minute, not in a loop', async () => {
    const expiration = new Date(T0 + 30 * MIN)
    const calls: unknown[] = []
    const same: ResolvedCredentials = { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiration }
    const c = createStorageCredentials(settings, { provider: async (o) => { calls.push(o); return { ...same } } })
    await c.ready()
    // Renewal is due 15 minutes in (half of a 30-minute life); it brings the same credentials back.
    await vi.advanceTimersByTimeAsync(15 * MIN)
    expect(calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(10 * MIN)
    expect(calls).toHaveLength(12)
    c.stop()
  })

  it('keeps signing with valid credentials while the provider fails, and retries', async () => {
    const fake = fakeProvider(60 * MIN)
    const c = createStorageCredentials(settings, { provider: fake.provider })
    const first = await c.ready()
    fake.fail(true)
    await vi.advanceTimersByTimeAsync(45 * MIN)
    expect(fake.calls.length).toBeGreaterThan(2)
    expect(await c.ready()).toBe(first)
    fake.fail(false)
    await vi.advanceTimersByTimeAsync(RETRY_MS)
    expect(c.current()).not.toBe(first)
    expect(c.current()!.expiration!.getTime()).toBeGreaterThan(first.expiration!.getTime())
    c.stop()
  })

  it('waits for new credentials when the current ones have less than 30 s left, and fails when there are none', async () => {
    let clock = T0
    const fake = fakeProvider(60 * MIN, () => clock)
    const c = createStorageCredentials(settings, { provider: fake.provider, now: () => clock })
    c.stop() // no timer: only ready() renews here
    const first = await c.ready()
    clock = first.expiration!.getTime() - MIN_VALIDITY_MS + 1
    const second = await c.ready()
    expect(second).not.toBe(first)
    expect(fake.calls).toHaveLength(2)
    clock = second.expiration!.getTime() + 1
    fake.fail(true)
    await expect(c.ready()).rejects.toThrow('provider down')
    c.stop()
  })

  it('refuses credentials that are already expired when they arrive', async () => {
    const c = createStorageCredentials(settings, { provider: async () => ({ accessKeyId: 'A', secretAccessKey: 'S', expiration: new Date(Date.now() - 1) }) })
    await expect(c.ready()).rejects.toThrow(/expired/)
    c.stop()
  })

  it('refuses a provider answer without keys', async () => {
    const c = createStorageCredentials(settings, { provider: async () => ({ accessKeyId: '', secretAccessKey: '' }) })
    await expect(c.ready()).rejects.toThrow(/no access key/)
  })

  it('a late timer (a suspended machine) is caught up by the next ready()', async () => {
    let clock = T0
    const fake = fakeProvider(60 * MIN, () => clock)
    const c = createStorageCredentials(settings, { provider: fake.provider, now: () => clock })
    const first = await c.ready()
    // The clock moves past the renewal time while no timer fires.
    clock += 45 * MIN
    expect(await c.ready()).toBe(first) // still valid for 15 min: handed out, renewal started behind it
    await vi.waitFor(() => expect(c.current()).not.toBe(first))
    expect(fake.calls).toHaveLength(2)
    c.stop()
  })
})

describe('renewalMargin', () => {
  it('leaves room for a full URL lifetime (at most 15 min) plus 5 minutes, within the second half of the credentials\' life', () => {
    expect(renewalMargin(900, 60 * MIN)).toBe(20 * MIN)
    expect(renewalMargin(60, 60 * MIN)).toBe(6 * MIN)
    expect(renewalMargin(604800, 6 * 60 * MIN)).toBe(20 * MIN)
    expect(renewalMargin(900, 15 * MIN)).toBe(7.5 * MIN)
  })
})

describe('describeCredentialSource', () => {
  const temp = (flags: Record<string, string>) => ({ accessKeyId: 'A', secretAccessKey: 'S', expiration: new Date('2026-11-25T11:00:00Z'), $source: flags })

  it.each([
    [{ CREDENTIALS_ENV_VARS: 'g' }, 'environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'],
    [{ CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h', CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'k' }, 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN; EKS IRSA)'],
    [{ CREDENTIALS_PROFILE_SSO: 'r', CREDENTIALS_SSO: 's' }, 'IAM Identity Center (SSO), profile "prod"'],
    [{ CREDENTIALS_PROFILE: 'n' }, 'shared credentials file, profile "prod"'],
    [{ CREDENTIALS_PROFILE_SOURCE_PROFILE: 'o', CREDENTIALS_STS_ASSUME_ROLE: 'i', CREDENTIALS_PROFILE: 'n' }, 'role assumed by profile "prod" (role_arn)'],
    [{ CREDENTIALS_PROFILE_PROCESS: 'v', CREDENTIALS_PROCESS: 'w' }, 'credential_process of profile "prod"'],
    [{ CREDENTIALS_HTTP: 'z' }, 'container credentials endpoint (ECS task role or EKS Pod Identity)'],
    [{ CREDENTIALS_IMDS: '0' }, 'EC2 instance metadata (instance profile)'],
  ])('names the chain link from the SDK\'s feature flags %j', (flags, source) => {
    expect(describeCredentialSource('chain', temp(flags), { AWS_PROFILE: 'prod' }))
      .toBe(`AWS SDK default chain: ${source}; temporary, valid until 2026-11-25T11:00:00.000Z and renewed before then`)
  })

  it('the chain\'s own container and instance-metadata links set no flag: told apart by the environment', () => {
    expect(describeCredentialSource('chain', temp({}), { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' })).toContain('container credentials endpoint')
    expect(describeCredentialSource('chain', temp({}), {})).toContain('EC2 instance metadata (instance profile)')
  })

  it('says when credentials are long-term', () => {
    expect(describeCredentialSource('chain', { accessKeyId: 'A', secretAccessKey: 'S', $source: { CREDENTIALS_ENV_VARS: 'g' } }, {})).toBe('AWS SDK default chain: environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; long-term keys')
  })

  it('the message for no credentials names what to set', () => {
    const message = missingCredentialsMessage('Could not load credentials from any providers')
    for (const name of ['NUXT_S3_ACCESS_KEY_ID', 'NUXT_S3_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'IAM role']) expect(message).toContain(name)
    expect(message).toContain('(Could not load credentials from any providers)')
  })
})

describe('defaultCredentialChain: the AWS SDK\'s real chain', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chat-files-aws-'))
    for (const name of Object.keys(process.env).filter(n => n.startsWith('AWS_'))) vi.stubEnv(name, undefined)
    // Never this machine's own configuration, never instance metadata.
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'))
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'))
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true')
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await rm(dir, { recursive: true, force: true })
  })

  async function resolve() {
    const c = createStorageCredentials(settings, { provider: defaultCredentialChain('us-east-1') })
    try {
      const creds = await c.ready()
      return { creds, description: describeCredentialSource(c.kind, creds) }
    }
    finally {
      c.stop()
    }
  }

  it('finds environment variables', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENV')
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret')
    const { creds, description } = await resolve()
    expect(creds).toMatchObject({ accessKeyId: 'AKIAENV', secretAccessKey: 'env-secret' })
    expect(description).toBe('AWS SDK default chain: environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; long-term keys')
  })

  it('finds a profile in the shared credentials file', async () => {
    await writeFile(join(dir, 'credentials'), '[chat-files]\naws_access_key_id = AKIAINI\naws_secret_access_key = ini-secret\n')
    vi.stubEnv('AWS_PROFILE', 'chat-files')
    const { creds, description } = await resolve()
    expect(creds).toMatchObject({ accessKeyId: 'AKIAINI', secretAccessKey: 'ini-secret' })
    expect(description).toBe('AWS SDK default chain: shared credentials file, profile "chat-files"; long-term keys')
  })

  it('finds temporary credentials at a container credentials endpoint (ECS, EKS Pod Identity), with their expiry', async () => {
    const expiration = new Date(Date.now() + 60 * MIN)
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ AccessKeyId: 'ASIACONTAINER', SecretAccessKey: 'container-secret', Token: 'container-token', Expiration: expiration.toISOString() }))
    })
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
    try {
      vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/credentials`)
      const { creds, description } = await resolve()
      expect(creds).toMatchObject({ accessKeyId: 'ASIACONTAINER', sessionToken: 'container-token' })
      expect(creds.expiration!.toISOString()).toBe(expiration.toISOString())
      expect(description).toBe(`AWS SDK default chain: container credentials endpoint (ECS task role or EKS Pod Identity); temporary, valid until ${expiration.toISOString()} and renewed before then`)
    }
    finally {
      server.close()
    }
  })

  it('rejects, saying so, when no link finds credentials', async () => {
    await expect(resolve()).rejects.toThrow(/Could not load credentials from any providers/)
  })
})
