import type { S3Settings } from './storage'

// One home for configuration: the defaults nuxt.config.ts puts in runtimeConfig, the same settings
// read from NUXT_* variables by scripts that run outside the server, and the start-up check.

export const s3Defaults: S3Settings = {
  endpoint: '',
  publicEndpoint: '',
  region: 'us-east-1',
  bucket: '',
  accessKeyId: '',
  secretAccessKey: '',
  forcePathStyle: false,
  urlTtl: 900,
}

export interface UploadLimits {
  /** Largest file, bytes (NUXT_UPLOAD_MAX_BYTES). */
  maxBytes: number
  /** Files one chat may hold, pending uploads included (NUXT_UPLOAD_MAX_FILES_PER_CHAT). */
  maxFilesPerChat: number
  /** Comma-separated allow-list such as `image/*,application/pdf`; empty allows every type (NUXT_UPLOAD_ALLOWED_TYPES). */
  allowedTypes: string
  /** Lifetime of a presigned upload URL, seconds (NUXT_UPLOAD_URL_TTL). */
  urlTtl: number
  /** Age after which an upload never completed is swept, seconds (NUXT_UPLOAD_PENDING_TTL). */
  pendingTtl: number
}

export const uploadDefaults: UploadLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxFilesPerChat: 1000,
  allowedTypes: '',
  urlTtl: 300,
  pendingTtl: 3600,
}

/** The session cookie's name is part of the contract. */
export const sessionCookieName = 'neptun-session'

/** Session lifetime in seconds (7 days); NUXT_SESSION_MAX_AGE overrides it. */
export const defaultSessionMaxAge = 60 * 60 * 24 * 7

/**
 * A session unused for this many seconds (1 day) ends; NUXT_SESSION_IDLE_TIMEOUT overrides it. Together with
 * the 7-day lifetime this is ASVS 4.0.3 level 1 (re-authentication within 30 days) with an idle bound on top;
 * level 2 deployments set 43200 / 1800 (12 hours, 30 minutes idle). See README (Security).
 */
export const defaultSessionIdleTimeout = 60 * 60 * 24

/** `last_seen_at` is written at most this often (seconds), so the idle timeout is only this precise. */
export const SESSION_TOUCH_INTERVAL = 60

export interface ThrottleSettings {
  /** Failed sign-ins allowed per account and client address within `accountWindow` (NUXT_THROTTLE_ACCOUNT_LIMIT). */
  accountLimit: number
  /** Seconds (NUXT_THROTTLE_ACCOUNT_WINDOW). */
  accountWindow: number
  /** Failed sign-ins allowed per client address, whatever the account, within `addressWindow` (NUXT_THROTTLE_ADDRESS_LIMIT). */
  addressLimit: number
  /** Seconds (NUXT_THROTTLE_ADDRESS_WINDOW). */
  addressWindow: number
  /** Sign-ups allowed per client address within `signUpWindow` (NUXT_THROTTLE_SIGN_UP_LIMIT). */
  signUpLimit: number
  /** Seconds (NUXT_THROTTLE_SIGN_UP_WINDOW). */
  signUpWindow: number
}

export const throttleDefaults: ThrottleSettings = {
  accountLimit: 5,
  accountWindow: 15 * 60,
  addressLimit: 30,
  addressWindow: 15 * 60,
  signUpLimit: 10,
  signUpWindow: 60 * 60,
}

export interface RequestSettings {
  /** The app's own origin (NUXT_ORIGIN), e.g. https://files.example.com; empty: the request's Host. */
  origin: string
  /** Proxies in front of the app that append to X-Forwarded-For (NUXT_TRUSTED_PROXIES); 0 trusts none. */
  trustedProxies: number
  /** Largest JSON request body, bytes (NUXT_JSON_BODY_LIMIT). */
  jsonBodyLimit: number
}

export const requestDefaults: RequestSettings = {
  origin: '',
  trustedProxies: 0,
  jsonBodyLimit: 64 * 1024,
}

const s3EnvNames: Record<keyof S3Settings, string> = {
  endpoint: 'NUXT_S3_ENDPOINT',
  publicEndpoint: 'NUXT_S3_PUBLIC_ENDPOINT',
  region: 'NUXT_S3_REGION',
  bucket: 'NUXT_S3_BUCKET',
  accessKeyId: 'NUXT_S3_ACCESS_KEY_ID',
  secretAccessKey: 'NUXT_S3_SECRET_ACCESS_KEY',
  forcePathStyle: 'NUXT_S3_FORCE_PATH_STYLE',
  urlTtl: 'NUXT_S3_URL_TTL',
}

/** S3 settings from NUXT_S3_* variables, the way Nuxt's runtimeConfig reads them (for scripts). */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  const get = (key: keyof S3Settings) => env[s3EnvNames[key]]
  return {
    endpoint: get('endpoint') ?? s3Defaults.endpoint,
    publicEndpoint: get('publicEndpoint') ?? s3Defaults.publicEndpoint,
    region: get('region') || s3Defaults.region,
    bucket: get('bucket') ?? s3Defaults.bucket,
    accessKeyId: get('accessKeyId') ?? s3Defaults.accessKeyId,
    secretAccessKey: get('secretAccessKey') ?? s3Defaults.secretAccessKey,
    // Nuxt reads NUXT_* values with destr: 'true' (any case) and non-zero numbers are on.
    forcePathStyle: get('forcePathStyle') === undefined ? s3Defaults.forcePathStyle : /^(true|[1-9]\d*)$/i.test(get('forcePathStyle')!.trim()),
    urlTtl: get('urlTtl') === undefined ? s3Defaults.urlTtl : Number(get('urlTtl')),
  }
}

/**
 * True when storage is configured (a bucket or an endpoint is named): then `nuxt dev` uses it instead of
 * its local server. Region, TTL and path style alone only tune whichever storage is used.
 */
export function hasS3Env(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.NUXT_S3_BUCKET || env.NUXT_S3_ENDPOINT)
}

/**
 * Problems that must stop a server from starting, each naming the variable to set. A production
 * server never falls back to embedded parts, so every required setting is listed at once. Whether
 * credentials can be found is checked next, by the start-up plugin (it needs I/O).
 */
export function configProblems(
  s3: S3Settings,
  session: { password?: string, maxAge?: number, idleTimeout?: number },
  databaseUrl: string | undefined,
  upload: UploadLimits = uploadDefaults,
  request: RequestSettings = requestDefaults,
  throttle: ThrottleSettings = throttleDefaults,
): string[] {
  const problems: string[] = []
  if (!databaseUrl) problems.push('DATABASE_URL is not set (postgresql://user:password@host:5432/database)')
  if (!session.password) problems.push('NUXT_SESSION_PASSWORD is not set (at least 32 random characters)')
  else if (session.password.length < 32) problems.push('NUXT_SESSION_PASSWORD must be at least 32 characters')
  if (!s3.bucket) problems.push('NUXT_S3_BUCKET is not set')
  // Static keys are optional (without them the AWS SDK's credential chain is used), but come in pairs.
  if (s3.accessKeyId && !s3.secretAccessKey) problems.push('NUXT_S3_SECRET_ACCESS_KEY is not set, but NUXT_S3_ACCESS_KEY_ID is: set both, or neither to use the AWS SDK\'s credential chain (IAM role, AWS_PROFILE, …)')
  if (!s3.accessKeyId && s3.secretAccessKey) problems.push('NUXT_S3_ACCESS_KEY_ID is not set, but NUXT_S3_SECRET_ACCESS_KEY is: set both, or neither to use the AWS SDK\'s credential chain (IAM role, AWS_PROFILE, …)')
  // At least 2: URLs are signed with whole-second times and must leave with at least half their lifetime.
  if (!Number.isInteger(s3.urlTtl) || s3.urlTtl < 2 || s3.urlTtl > 604800) problems.push('NUXT_S3_URL_TTL must be a whole number of seconds from 2 to 604800 (7 days)')
  for (const [name, value] of [['NUXT_S3_ENDPOINT', s3.endpoint], ['NUXT_S3_PUBLIC_ENDPOINT', s3.publicEndpoint]] as const) {
    if (value && !isHttpUrl(value)) problems.push(`${name} must be an http(s) URL`)
  }
  if (session.maxAge !== undefined && !(Number.isInteger(session.maxAge) && session.maxAge > 0)) problems.push('NUXT_SESSION_MAX_AGE must be a positive whole number of seconds')
  const positive = (n: number) => Number.isSafeInteger(n) && n > 0
  if (!positive(upload.maxBytes)) problems.push('NUXT_UPLOAD_MAX_BYTES must be a positive whole number of bytes')
  if (!positive(upload.maxFilesPerChat)) problems.push('NUXT_UPLOAD_MAX_FILES_PER_CHAT must be a positive whole number')
  if (!positive(upload.urlTtl) || upload.urlTtl > 604800) problems.push('NUXT_UPLOAD_URL_TTL must be a whole number of seconds from 1 to 604800 (7 days)')
  if (!positive(upload.pendingTtl)) problems.push('NUXT_UPLOAD_PENDING_TTL must be a positive whole number of seconds')
  if (typeof upload.allowedTypes !== 'string') problems.push('NUXT_UPLOAD_ALLOWED_TYPES must be a comma-separated list of types')
  // Below twice the touch interval, a session in use could look idle between two writes of last_seen_at.
  if (session.idleTimeout !== undefined && !(Number.isInteger(session.idleTimeout) && session.idleTimeout >= 2 * SESSION_TOUCH_INTERVAL)) {
    problems.push(`NUXT_SESSION_IDLE_TIMEOUT must be a whole number of seconds, at least ${2 * SESSION_TOUCH_INTERVAL}`)
  }
  if (request.origin && !isOrigin(request.origin)) problems.push('NUXT_ORIGIN must be an origin such as https://files.example.com (scheme, host and optional port, nothing else)')
  if (!Number.isInteger(request.trustedProxies) || request.trustedProxies < 0 || request.trustedProxies > 10) problems.push('NUXT_TRUSTED_PROXIES must be the number of proxies in front of the server, 0 to 10')
  if (!positive(request.jsonBodyLimit)) problems.push('NUXT_JSON_BODY_LIMIT must be a positive whole number of bytes')
  for (const [key, name] of throttleEnvNames) {
    if (!positive(throttle[key])) problems.push(`${name} must be a positive whole number`)
  }
  return problems
}

const throttleEnvNames: [keyof ThrottleSettings, string][] = [
  ['accountLimit', 'NUXT_THROTTLE_ACCOUNT_LIMIT'],
  ['accountWindow', 'NUXT_THROTTLE_ACCOUNT_WINDOW'],
  ['addressLimit', 'NUXT_THROTTLE_ADDRESS_LIMIT'],
  ['addressWindow', 'NUXT_THROTTLE_ADDRESS_WINDOW'],
  ['signUpLimit', 'NUXT_THROTTLE_SIGN_UP_LIMIT'],
  ['signUpWindow', 'NUXT_THROTTLE_SIGN_UP_WINDOW'],
]

/** `scheme://host[:port]` and nothing more, as browsers send it in Origin. */
function isOrigin(value: string): boolean {
  return isHttpUrl(value) && new URL(value).origin === value.replace(/\/$/, '').toLowerCase()
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    // WHATWG parsing would read `https:///path` as host "path"; insist on an explicit host.
    return /^https?:\/\/[^/]/i.test(value) && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  }
  catch {
    return false
  }
}
