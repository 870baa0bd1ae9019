import { describe, expect, it } from 'vitest'
import { configProblems, defaultSessionIdleTimeout, hasS3Env, requestDefaults, s3Defaults, s3SettingsFromEnv, throttleDefaults, uploadDefaults } from '../../../server/utils/config'
import type { S3Settings } from '../../../server/utils/storage'

const validS3: S3Settings = {
  endpoint: 'https://s3.internal.example.com',
  publicEndpoint: 'https://files.example.com/s3',
  region: 'eu-west-3',
  bucket: 'chat-files',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  forcePathStyle: true,
  urlTtl: 900,
}
const validSession = { password: 'p'.repeat(32) }
const databaseUrl = 'postgresql://app:secret@db:5432/app'

describe('configProblems', () => {
  it('finds nothing wrong with a full, valid configuration', () => {
    expect(configProblems(validS3, validSession, databaseUrl)).toEqual([])
    expect(configProblems({ ...validS3, endpoint: '', publicEndpoint: '' }, { ...validSession, maxAge: 3600 }, databaseUrl)).toEqual([])
  })

  it('lists every missing setting at once, each naming its variable', () => {
    const problems = configProblems(s3Defaults, {}, undefined)
    expect(problems.map(p => p.split(' ')[0])).toEqual([
      'DATABASE_URL',
      'NUXT_SESSION_PASSWORD',
      'NUXT_S3_BUCKET',
    ])
    expect(problems.every(p => /is not set/.test(p))).toBe(true)
  })

  it('takes static keys as optional (the AWS SDK\'s credential chain is used without them), but only in pairs', () => {
    expect(configProblems({ ...validS3, accessKeyId: '', secretAccessKey: '' }, validSession, databaseUrl)).toEqual([])
    expect(configProblems({ ...validS3, secretAccessKey: '' }, validSession, databaseUrl))
      .toEqual(['NUXT_S3_SECRET_ACCESS_KEY is not set, but NUXT_S3_ACCESS_KEY_ID is: set both, or neither to use the AWS SDK\'s credential chain (IAM role, AWS_PROFILE, …)'])
    expect(configProblems({ ...validS3, accessKeyId: '' }, validSession, databaseUrl))
      .toEqual(['NUXT_S3_ACCESS_KEY_ID is not set, but NUXT_S3_SECRET_ACCESS_KEY is: set both, or neither to use the AWS SDK\'s credential chain (IAM role, AWS_PROFILE, …)'])
  })

  it('treats empty strings as missing', () => {
    expect(configProblems({ ...validS3, bucket: '' }, { password: '' }, '')).toHaveLength(3)
  })

  it('rejects a session password shorter than 32 characters', () => {
    expect(configProblems(validS3, { password: 'p'.repeat(31) }, databaseUrl))
      .toEqual(['NUXT_SESSION_PASSWORD must be at least 32 characters'])
  })

  it.each([0, 1, 604801, 1.5, Number.NaN, -1])('rejects the URL lifetime %s', (urlTtl) => {
    expect(configProblems({ ...validS3, urlTtl }, validSession, databaseUrl))
      .toEqual(['NUXT_S3_URL_TTL must be a whole number of seconds from 2 to 604800 (7 days)'])
  })

  it.each([2, 604800])('accepts the URL lifetime %s', (urlTtl) => {
    expect(configProblems({ ...validS3, urlTtl }, validSession, databaseUrl)).toEqual([])
  })

  it.each(['ftp://s3.example.com', 's3.example.com', 'localhost:9000', 'http://', 'https:///path', '//s3.example.com'])(
    'rejects the non-http(s) endpoint %j, for either endpoint setting',
    (endpoint) => {
      expect(configProblems({ ...validS3, endpoint }, validSession, databaseUrl)).toEqual(['NUXT_S3_ENDPOINT must be an http(s) URL'])
      expect(configProblems({ ...validS3, publicEndpoint: endpoint }, validSession, databaseUrl)).toEqual(['NUXT_S3_PUBLIC_ENDPOINT must be an http(s) URL'])
    },
  )

  it.each([0, -5, 1.5, Number.NaN])('rejects the session lifetime %s', (maxAge) => {
    expect(configProblems(validS3, { ...validSession, maxAge }, databaseUrl))
      .toEqual(['NUXT_SESSION_MAX_AGE must be a positive whole number of seconds'])
  })
})

describe('s3SettingsFromEnv', () => {
  it('gives the defaults when no NUXT_S3_* variable is set', () => {
    expect(s3SettingsFromEnv({})).toEqual(s3Defaults)
    expect(s3Defaults).toEqual({
      endpoint: '', publicEndpoint: '', region: 'us-east-1', bucket: '', accessKeyId: '', secretAccessKey: '', forcePathStyle: false, urlTtl: 900,
    })
  })

  it('reads every NUXT_S3_* variable', () => {
    expect(s3SettingsFromEnv({
      NUXT_S3_ENDPOINT: 'http://127.0.0.1:9000',
      NUXT_S3_PUBLIC_ENDPOINT: 'http://localhost:9000',
      NUXT_S3_REGION: 'eu-west-3',
      NUXT_S3_BUCKET: 'b',
      NUXT_S3_ACCESS_KEY_ID: 'id',
      NUXT_S3_SECRET_ACCESS_KEY: 'secret',
      NUXT_S3_FORCE_PATH_STYLE: 'true',
      NUXT_S3_URL_TTL: '3600',
    })).toStrictEqual({
      endpoint: 'http://127.0.0.1:9000',
      publicEndpoint: 'http://localhost:9000',
      region: 'eu-west-3',
      bucket: 'b',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
      urlTtl: 3600,
    })
  })

  it('reads force path style as true only for "true"', () => {
    expect(s3SettingsFromEnv({ NUXT_S3_FORCE_PATH_STYLE: 'true' }).forcePathStyle).toBe(true)
    expect(s3SettingsFromEnv({ NUXT_S3_FORCE_PATH_STYLE: 'false' }).forcePathStyle).toBe(false)
    expect(s3SettingsFromEnv({ NUXT_S3_FORCE_PATH_STYLE: '' }).forcePathStyle).toBe(false)
  })

  it('parses the TTL as a number, so configProblems can reject a bad one', () => {
    expect(s3SettingsFromEnv({ NUXT_S3_URL_TTL: '60' }).urlTtl).toBe(60)
    expect(s3SettingsFromEnv({ NUXT_S3_URL_TTL: 'soon' }).urlTtl).toBeNaN()
    expect(configProblems(s3SettingsFromEnv({ ...env(), NUXT_S3_URL_TTL: 'soon' }), validSession, databaseUrl)).toHaveLength(1)
  })

  it('falls back to the default region for an empty NUXT_S3_REGION', () => {
    expect(s3SettingsFromEnv({ NUXT_S3_REGION: '' }).region).toBe('us-east-1')
  })

  it('reads process.env by default', () => {
    const saved = process.env.NUXT_S3_BUCKET
    process.env.NUXT_S3_BUCKET = 'from-process-env'
    try {
      expect(s3SettingsFromEnv().bucket).toBe('from-process-env')
    }
    finally {
      if (saved === undefined) delete process.env.NUXT_S3_BUCKET
      else process.env.NUXT_S3_BUCKET = saved
    }
  })
})

describe('hasS3Env', () => {
  it('is false with no NUXT_S3_* variable, or only empty ones', () => {
    expect(hasS3Env({})).toBe(false)
    expect(hasS3Env({ NUXT_S3_BUCKET: '', NUXT_S3_ENDPOINT: '', NUXT_SESSION_PASSWORD: 'x', S3_BUCKET: 'b' })).toBe(false)
  })

  it.each(['NUXT_S3_BUCKET', 'NUXT_S3_ENDPOINT'])('is true when %s names the storage', (name) => {
    expect(hasS3Env({ [name]: 'x' })).toBe(true)
  })

  it('is false for settings that only tune whichever storage is used', () => {
    expect(hasS3Env({
      NUXT_S3_PUBLIC_ENDPOINT: 'http://localhost:9000',
      NUXT_S3_REGION: 'eu-west-3',
      NUXT_S3_ACCESS_KEY_ID: 'id',
      NUXT_S3_SECRET_ACCESS_KEY: 'secret',
      NUXT_S3_FORCE_PATH_STYLE: 'true',
      NUXT_S3_URL_TTL: '60',
    })).toBe(false)
  })

  it('reads process.env by default', () => {
    const saved = { bucket: process.env.NUXT_S3_BUCKET, endpoint: process.env.NUXT_S3_ENDPOINT }
    delete process.env.NUXT_S3_ENDPOINT
    process.env.NUXT_S3_BUCKET = 'from-process-env'
    try {
      expect(hasS3Env()).toBe(true)
    }
    finally {
      for (const [name, value] of [['NUXT_S3_BUCKET', saved.bucket], ['NUXT_S3_ENDPOINT', saved.endpoint]] as const) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })
})

/** A complete NUXT_S3_* environment. */
function env(): NodeJS.ProcessEnv {
  return {
    NUXT_S3_BUCKET: 'b',
    NUXT_S3_ACCESS_KEY_ID: 'id',
    NUXT_S3_SECRET_ACCESS_KEY: 'secret',
  }
}

describe('configProblems: upload limits', () => {
  const valid = { ...s3Defaults, bucket: 'b', accessKeyId: 'k', secretAccessKey: 's' }
  const session = { password: 'x'.repeat(32) }
  it('accepts the defaults and names each invalid limit', () => {
    expect(configProblems(valid, session, 'postgresql://h/db', uploadDefaults)).toEqual([])
    const problems = configProblems(valid, session, 'postgresql://h/db', { maxBytes: 0, maxFilesPerChat: 1.5, allowedTypes: '', urlTtl: 604801, pendingTtl: -1 })
    expect(problems.join('\n')).toMatch(/NUXT_UPLOAD_MAX_BYTES/)
    expect(problems.join('\n')).toMatch(/NUXT_UPLOAD_MAX_FILES_PER_CHAT/)
    expect(problems.join('\n')).toMatch(/NUXT_UPLOAD_URL_TTL/)
    expect(problems.join('\n')).toMatch(/NUXT_UPLOAD_PENDING_TTL/)
    expect(problems).toHaveLength(4)
  })
})

describe('configProblems: sessions, requests and throttling', () => {
  const valid = () => configProblems(validS3, validSession, databaseUrl, uploadDefaults, requestDefaults, throttleDefaults)

  it('accepts the defaults', () => {
    expect(valid()).toEqual([])
    expect(configProblems(validS3, { ...validSession, idleTimeout: defaultSessionIdleTimeout }, databaseUrl)).toEqual([])
  })

  it.each([0, 60, 119, 1.5, Number.NaN])('rejects the idle timeout %s (at least two touch intervals)', (idleTimeout) => {
    expect(configProblems(validS3, { ...validSession, idleTimeout }, databaseUrl)).toEqual(['NUXT_SESSION_IDLE_TIMEOUT must be a whole number of seconds, at least 120'])
  })

  it.each(['files.example.com', 'https://files.example.com/app', 'https://files.example.com?x', 'ftp://files.example.com'])('rejects the origin %j', (origin) => {
    expect(configProblems(validS3, validSession, databaseUrl, uploadDefaults, { ...requestDefaults, origin })).toEqual([
      'NUXT_ORIGIN must be an origin such as https://files.example.com (scheme, host and optional port, nothing else)',
    ])
  })

  it.each(['https://files.example.com', 'http://localhost:3000', 'https://files.example.com/', 'https://Files.Example.com'])('accepts the origin %j', (origin) => {
    expect(configProblems(validS3, validSession, databaseUrl, uploadDefaults, { ...requestDefaults, origin })).toEqual([])
  })

  it.each([-1, 11, 1.5, Number.NaN])('rejects %s trusted proxies', (trustedProxies) => {
    expect(configProblems(validS3, validSession, databaseUrl, uploadDefaults, { ...requestDefaults, trustedProxies })).toEqual(['NUXT_TRUSTED_PROXIES must be the number of proxies in front of the server, 0 to 10'])
  })

  it('names each invalid body limit and throttle setting', () => {
    const problems = configProblems(validS3, validSession, databaseUrl, uploadDefaults, { ...requestDefaults, jsonBodyLimit: 0 }, {
      accountLimit: 0, accountWindow: -1, addressLimit: 1.5, addressWindow: Number.NaN, signUpLimit: 0, signUpWindow: 0,
    })
    expect(problems.map(p => p.split(' ')[0])).toEqual([
      'NUXT_JSON_BODY_LIMIT',
      'NUXT_THROTTLE_ACCOUNT_LIMIT',
      'NUXT_THROTTLE_ACCOUNT_WINDOW',
      'NUXT_THROTTLE_ADDRESS_LIMIT',
      'NUXT_THROTTLE_ADDRESS_WINDOW',
      'NUXT_THROTTLE_SIGN_UP_LIMIT',
      'NUXT_THROTTLE_SIGN_UP_WINDOW',
    ])
  })
})
