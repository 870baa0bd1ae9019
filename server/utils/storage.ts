import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { storageUnavailable } from './errors'
import { contentDisposition, servedContentType } from './content-disposition'
import { createStorageCredentials, useStorageCredentials } from './credentials'
import type { StorageCredentials } from './credentials'
import { createPresigner, CredentialsExpiredError } from './presigner'
import type { Presigner } from './presigner'

// Object storage: the S3 client the server talks through, presigned uploads, checks of what storage
// holds, and download URLs from the fast presigner (presigner.ts) with the process's credentials
// (credentials.ts).

export interface S3Settings {
  /** Endpoint the server reaches; empty means AWS's regional endpoint. */
  endpoint: string
  /** Endpoint URLs are signed for; empty means `endpoint`. */
  publicEndpoint: string
  region: string
  bucket: string
  /** Static keys; both empty means the AWS SDK's default credential chain. */
  accessKeyId: string
  secretAccessKey: string
  forcePathStyle: boolean
  /** Lifetime of download URLs, seconds. */
  urlTtl: number
}

let presigner: Presigner | undefined
let client: S3Client | undefined

export function useS3Settings(): S3Settings {
  return useRuntimeConfig().s3 as S3Settings
}

/** The process-wide presigner, built on first use from runtime config, signing with the shared credentials. */
export function usePresigner(): Presigner {
  presigner ??= createPresigner(useS3Settings(), { credentials: useStorageCredentials().current })
  return presigner
}

/** The process-wide S3 client, for operations that touch the network (uploads, deletes, heads). */
export function useS3Client(): S3Client {
  client ??= createS3Client(useS3Settings(), useStorageCredentials())
  return client
}

/**
 * An S3 client. Credentials: the given source (the server shares one with its presigner), else the static
 * keys in the settings, else the AWS SDK's default chain (scripts such as the seed).
 */
export function createS3Client(s: S3Settings, credentials: StorageCredentials = createStorageCredentials(s), options: Pick<S3ClientConfig, 'requestChecksumCalculation'> = {}): S3Client {
  return new S3Client({
    ...options,
    region: s.region,
    endpoint: s.endpoint || undefined,
    forcePathStyle: s.forcePathStyle,
    credentials: () => credentials.ready(),
    // Storage that is down should fail a request in seconds (503), not hang it.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 60_000 },
  })
}

/**
 * Before presigning: the shared credentials, renewed if they are about to expire (an await that costs
 * nothing while they are fresh). A 503 when none can be had: no URL signed now would work.
 */
export async function storageCredentialsReady() {
  await useStorageCredentials().ready().catch((error) => {
    console.error('[storage] no valid credentials:', (error as Error).message)
    throw storageUnavailable()
  })
}

/** True for errors that mean storage could not be reached or answered as broken (a 503 for clients). */
export function isStorageUnavailable(error: unknown): boolean {
  const e = error as { code?: string, name?: string, $metadata?: { httpStatusCode?: number }, cause?: unknown }
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(e?.code ?? '')) return true
  if (['TimeoutError', 'RequestTimeout', 'CredentialsProviderError', 'CredentialsExpiredError'].includes(e?.name ?? '')) return true
  if ((e?.$metadata?.httpStatusCode ?? 0) >= 500) return true
  return e?.cause !== undefined && e.cause !== error && isStorageUnavailable(e.cause)
}

/** For `.catch()` on storage calls: unreachable storage becomes the 503 clients understand. */
export function rethrowStorageError(error: unknown): never {
  throw isStorageUnavailable(error) ? storageUnavailable() : error
}

/** What storage holds under a key, or null when there is none. */
export interface StoredObject {
  size: number
  type: string
  /** The SHA-256 storage recorded for the object (base64), when it keeps one. */
  sha256?: string
}

/** Size, type and stored SHA-256 of an object, or null when there is none. */
export async function headObject(key: string, s3 = useS3Client(), bucket = useS3Settings().bucket): Promise<StoredObject | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }))
    return { size: head.ContentLength ?? 0, type: head.ContentType ?? '', sha256: head.ChecksumSHA256 || undefined }
  }
  catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null
    throw error
  }
}

/**
 * A presigned PUT for exactly one object, bound to its content type and length (both headers are signed,
 * so S3 refuses a different type or size) and, when the uploader declared one, to its SHA-256: the
 * `x-amz-checksum-sha256` header is signed and must be sent, and storage that verifies checksums refuses
 * a body that does not match it. No checksum of a body the server has not seen is ever signed in (the
 * SDK's default would sign the CRC32 of an empty body). Signed for the public endpoint, like downloads.
 */
export async function presignUpload(key: string, type: string, size: number, expiresIn: number, sha256?: string) {
  const s = useS3Settings()
  publicClient ??= createS3Client({ ...s, endpoint: s.publicEndpoint || s.endpoint }, useStorageCredentials(), { requestChecksumCalculation: 'WHEN_REQUIRED' })
  // The credentials the SDK will sign with (its cached copy; a renewal in between only lasts longer):
  // like download URLs, an upload URL never outlives them.
  const { expiration } = await publicClient.config.credentials()
  if (expiration) expiresIn = Math.min(expiresIn, Math.floor((expiration.getTime() - Date.now()) / 1000))
  if (expiresIn < 1) throw new CredentialsExpiredError('The storage credentials have expired')
  const command = new PutObjectCommand({ Bucket: s.bucket, Key: key, ContentType: type, ContentLength: size, ChecksumSHA256: sha256 })
  const url = await getSignedUrl(publicClient, command, {
    expiresIn,
    signableHeaders: new Set(['content-type', 'content-length']),
    // A header the PUT must carry, not a query parameter: S3 verifies the body against it.
    unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
  })
  const headers: Record<string, string> = { 'content-type': type }
  if (sha256) headers['x-amz-checksum-sha256'] = sha256
  return { url, headers, expiresIn }
}

let publicClient: S3Client | undefined

/** A presigned download URL that tells the browser the file's name and type. */
export function presignDownload(file: { objectKey: string, name: string, type: string }, p = usePresigner(), s = useS3Settings(), attachment = false): string {
  return p.presignGet(file.objectKey, {
    expiresIn: s.urlTtl,
    // Same object, same URL for a while (at most half its lifetime): browsers reuse what they cached.
    reuse: true,
    query: {
      'response-content-disposition': contentDisposition(file.name, file.type, attachment),
      'response-content-type': servedContentType(file.type),
    },
  })
}

/**
 * The SHA-256 (base64) of what storage holds: the checksum it recorded when it keeps one, else computed
 * by reading the object through (storage that ignores x-amz-checksum-* accepted any body). Reads at most
 * `maxBytes`: the size was checked against the limit first.
 */
export async function storedSha256(key: string, stored: StoredObject, maxBytes: number, s3 = useS3Client(), bucket = useS3Settings().bucket): Promise<string> {
  if (stored.sha256) return stored.sha256
  const body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable
  const hash = createHash('sha256')
  let read = 0
  for await (const chunk of body) {
    read += (chunk as Buffer).length
    // Leaving the loop early destroys the stream: nothing more is downloaded.
    if (read > maxBytes) throw new Error(`Object ${key} is larger than the ${maxBytes} bytes it was checked to hold`)
    hash.update(chunk as Buffer)
  }
  return hash.digest('base64')
}
