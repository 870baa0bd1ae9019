import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import type { SigningCredentials } from './presigner'
import type { S3Settings } from './storage'

// Storage credentials, one source per process for the S3 client and the presigner alike: the static
// keys NUXT_S3_ACCESS_KEY_ID / NUXT_S3_SECRET_ACCESS_KEY when set, else the AWS SDK's default provider
// chain (environment, SSO, shared config and credentials files, credential_process, web identity,
// container and EC2 instance metadata). Temporary credentials are renewed before they expire.

/** Credentials as the SDK's providers return them; `$source` records which link produced them. */
export type ResolvedCredentials = SigningCredentials & { $source?: Record<string, string> }

/** An SDK-style provider; `forceRefresh` asks the chain for new credentials instead of its cached ones. */
export type CredentialProvider = (options?: { forceRefresh?: boolean }) => Promise<ResolvedCredentials>

export interface StorageCredentials {
  /** `static`: NUXT_S3_* keys; `chain`: the AWS SDK's default credential provider chain. */
  kind: 'static' | 'chain'
  /** The credentials to sign with now, synchronously and O(1) (the presigner reads it per URL). */
  current(): ResolvedCredentials | undefined
  /** Credentials valid for a while yet: the current ones, or new ones when they are (nearly) expired. */
  ready(): Promise<ResolvedCredentials>
  /** Stops the renewal timer (tests; a server keeps it for its lifetime, unref'd). */
  stop(): void
}

/** Credentials with less than this left are renewed before any URL is signed with them. */
export const MIN_VALIDITY_MS = 30_000

/** After a renewal that failed or brought no newer credentials, the next try waits this long. */
export const RETRY_MS = 60_000

/**
 * How long before expiry credentials are renewed: early enough that a download URL of `urlTtl` seconds
 * (counting at most 15 minutes) plus 5 minutes' slack still fits, but never in the first half of their
 * lifetime, so short-lived credentials are not fetched again and again.
 */
export function renewalMargin(urlTtl: number, lifetimeMs: number): number {
  return Math.min((Math.min(urlTtl, 900) + 300) * 1000, lifetimeMs / 2)
}

/** The AWS SDK's default chain, with the instance-metadata probe bounded (1 s per request, no retry). */
export function defaultCredentialChain(region: string): CredentialProvider {
  return fromNodeProviderChain({ clientConfig: { region }, timeout: 1000, maxRetries: 0 })
}

export function createStorageCredentials(
  s: Pick<S3Settings, 'accessKeyId' | 'secretAccessKey' | 'urlTtl' | 'region'>,
  options: { provider?: CredentialProvider, now?: () => number } = {},
): StorageCredentials {
  if (s.accessKeyId && s.secretAccessKey && !options.provider) {
    const keys: ResolvedCredentials = { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }
    return { kind: 'static', current: () => keys, ready: async () => keys, stop() {} }
  }
  const provider = options.provider ?? defaultCredentialChain(s.region)
  const now = options.now ?? Date.now
  let credentials: ResolvedCredentials | undefined
  let fetchedAt = 0
  let inflight: Promise<ResolvedCredentials> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let nextRenewal = Number.POSITIVE_INFINITY

  const left = (c: ResolvedCredentials) => (c.expiration ? c.expiration.getTime() - now() : Number.POSITIVE_INFINITY)

  function renew(): Promise<ResolvedCredentials> {
    inflight ??= provider({ forceRefresh: credentials !== undefined })
      .then((c) => {
        if (!c?.accessKeyId || !c.secretAccessKey) throw new Error('The credential provider returned no access key')
        // Lifetimes count from when an expiry was first seen: the same credentials again are no fresher.
        if (c.expiration?.getTime() !== credentials?.expiration?.getTime()) fetchedAt = now()
        credentials = c
        return c
      })
      .finally(() => {
        inflight = undefined
        schedule()
      })
    return inflight
  }

  // Renew ahead of expiry; a timer keeps an idle server's credentials fresh, ready() catches a late timer.
  function schedule() {
    clearTimeout(timer)
    nextRenewal = Number.POSITIVE_INFINITY
    if (!credentials?.expiration) return
    const expiry = credentials.expiration.getTime()
    const due = expiry - renewalMargin(s.urlTtl, expiry - fetchedAt) - now()
    const delay = due > 0 ? due : RETRY_MS
    nextRenewal = now() + delay
    timer = setTimeout(() => void renew().catch(() => {}), Math.min(delay, 2 ** 31 - 1))
    timer.unref?.()
  }

  return {
    kind: 'chain',
    current: () => credentials,
    async ready() {
      if (credentials && left(credentials) >= MIN_VALIDITY_MS) {
        if (now() >= nextRenewal && !inflight) void renew().catch(() => {})
        return credentials
      }
      const c = await renew()
      if (left(c) < 1000) throw new Error(`The storage credentials expired at ${c.expiration!.toISOString()} and the provider gave no newer ones`)
      return c
    },
    stop() {
      clearTimeout(timer)
      nextRenewal = Number.POSITIVE_INFINITY
    },
  }
}

// Which link of the chain produced credentials, from the feature flags the SDK records on them
// (`$source`, most specific first); the chain's container and instance-metadata links record none.
const SOURCES: [flags: string[], describe: (profile: string) => string][] = [
  [['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN'], () => 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN; EKS IRSA)'],
  [['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN'], p => `web identity token of profile "${p}"`],
  [['CREDENTIALS_PROFILE_SSO', 'CREDENTIALS_PROFILE_SSO_LEGACY', 'CREDENTIALS_SSO', 'CREDENTIALS_SSO_LEGACY'], p => `IAM Identity Center (SSO), profile "${p}"`],
  [['CREDENTIALS_PROFILE_LOGIN', 'CREDENTIALS_LOGIN'], p => `aws login session, profile "${p}"`],
  [['CREDENTIALS_PROFILE_PROCESS', 'CREDENTIALS_PROCESS'], p => `credential_process of profile "${p}"`],
  [['CREDENTIALS_STS_ASSUME_ROLE', 'CREDENTIALS_PROFILE_SOURCE_PROFILE'], p => `role assumed by profile "${p}" (role_arn)`],
  [['CREDENTIALS_PROFILE_NAMED_PROVIDER'], p => `credential_source of profile "${p}"`],
  [['CREDENTIALS_PROFILE'], p => `shared credentials file, profile "${p}"`],
  [['CREDENTIALS_ENV_VARS'], () => 'environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'],
  [['CREDENTIALS_HTTP'], () => 'container credentials endpoint (ECS task role or EKS Pod Identity)'],
  [['CREDENTIALS_IMDS'], () => 'EC2 instance metadata (instance profile)'],
]

/** Where the credentials in use come from, in words for the start-up line. */
export function describeCredentialSource(kind: StorageCredentials['kind'], c: ResolvedCredentials | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (kind === 'static') return 'static keys (NUXT_S3_ACCESS_KEY_ID)'
  const flags = c?.$source ?? {}
  const profile = env.AWS_PROFILE || 'default'
  const found = SOURCES.find(([names]) => names.some(name => name in flags))
  const source = found ? found[1](profile)
    : env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
      ? 'container credentials endpoint (ECS task role or EKS Pod Identity)'
      : 'EC2 instance metadata (instance profile)'
  const lifetime = c?.expiration ? `temporary, valid until ${c.expiration.toISOString()} and renewed before then` : 'long-term keys'
  return `AWS SDK default chain: ${source}; ${lifetime}`
}

/** What to tell an operator whose server found no credentials. */
export function missingCredentialsMessage(reason: string): string {
  return 'No credentials for storage. Set NUXT_S3_ACCESS_KEY_ID and NUXT_S3_SECRET_ACCESS_KEY, or run with credentials '
    + 'the AWS SDK finds: an IAM role (ECS task role, EKS Pod Identity or IRSA, EC2 instance profile), AWS_PROFILE '
    + `(shared config, SSO), AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. (${reason})`
}

let shared: StorageCredentials | undefined

/** The process-wide credentials, shared by the S3 client and the presigner. */
export function useStorageCredentials(): StorageCredentials {
  shared ??= createStorageCredentials(useRuntimeConfig().s3 as S3Settings)
  return shared
}
