import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac } from 'node:crypto'
import { HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { storageUnavailable } from './errors'

// The one home of object storage: the S3 client the server talks through, and the presigner that
// turns object keys into download URLs for the host browsers and curl reach.

export interface S3Settings {
  /** Endpoint the server reaches; empty means AWS's regional endpoint. */
  endpoint: string
  /** Endpoint URLs are signed for; empty means `endpoint`. */
  publicEndpoint: string
  region: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  forcePathStyle: boolean
  /** Lifetime of download URLs, seconds. */
  urlTtl: number
}

/** SigV4 refuses presigned URLs that live longer than 7 days. */
export const MAX_URL_TTL = 7 * 24 * 60 * 60

/** The longest a download URL is reused: same object, same URL for at most this many seconds. */
export const MAX_REUSE_WINDOW = 5 * 60

export interface PresignOptions {
  /** Seconds the URL stays valid. */
  expiresIn: number
  /** Signing time; defaults to now (or to the start of the reuse window, with `reuse`). */
  signingDate?: Date
  /** Extra query parameters, signed with the URL (e.g. response-content-disposition). */
  query?: Record<string, string>
  /**
   * Sign at the start of the current reuse window (see `reuseWindow`) rather than this second, so the
   * same object keeps the same URL for a while and browsers can reuse what they cached. The URL still
   * has at least half its lifetime left when handed out. Ignored when `signingDate` is given.
   */
  reuse?: boolean
}

export interface Presigner {
  /** A presigned GET URL for `key`. Pure computation: no I/O, no await. */
  presignGet(key: string, options: PresignOptions): string
}

export interface PresignerOptions {
  /** The clock, milliseconds since the epoch; tests inject their own. */
  now?: () => number
}

/**
 * Seconds a URL valid `expiresIn` seconds may be reused: at most half its lifetime (so none is handed
 * out with less than half of it left) and at most MAX_REUSE_WINDOW. 0 for a 1-second URL.
 */
export function reuseWindow(expiresIn: number): number {
  return Math.min(MAX_REUSE_WINDOW, Math.floor(expiresIn / 2))
}

/**
 * The origin the bucket is reached at, and the path prefix before object keys. Virtual-hosted style
 * (bucket.host) unless path style is forced or the SDK itself would fall back to path style: an IP
 * endpoint, a bucket name that is not a DNS label, or a dotted bucket over TLS (no certificate covers it).
 */
export function bucketLocation(endpoint: string, s: Pick<S3Settings, 'region' | 'bucket' | 'forcePathStyle'>) {
  const base = new URL(endpoint || `https://s3.${s.region}.amazonaws.com${s.region.startsWith('cn-') ? '.cn' : ''}`)
  const basePath = base.pathname.replace(/\/+$/, '')
  const virtualHosted = !s.forcePathStyle
    && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket) && !s.bucket.includes('..')
    && !/^\d+\.\d+\.\d+\.\d+$|^\[/.test(base.hostname)
    && !(base.protocol === 'https:' && s.bucket.includes('.'))
  if (!virtualHosted) return { protocol: base.protocol, host: base.host, pathPrefix: `${basePath}/${uriEncode(s.bucket)}` }
  return { protocol: base.protocol, host: `${s.bucket}.${base.host}`, pathPrefix: basePath }
}

// Node ≥ 20.12 hashes a string in one call, without a Hash object (about twice as fast for short input).
const sha256Hex: (data: string) => string = typeof nodeCrypto.hash === 'function'
  ? data => nodeCrypto.hash('sha256', data, 'hex')
  : data => createHash('sha256').update(data).digest('hex')

/** The five X-Amz-* parameters, in canonical order; the last one's name bounds the fast path below. */
const LAST_AMZ_PARAM = 'X-Amz-SignedHeaders'

/**
 * A presigner for AWS Signature Version 4 query-string authentication, built once per configuration.
 * It computes exactly what the SDK's SignatureV4.presign computes (tests prove it against the SDK and
 * AWS's published example), without the SDK's per-call request cloning and promise chain: one SHA-256
 * and one HMAC per URL. What does not depend on the object is worked out once: the origin, path prefix
 * and canonical headers per presigner, the signing key and credential scope per day, the X-Amz-* part of
 * the query per second and lifetime.
 */
export function createPresigner(s: S3Settings, options: PresignerOptions = {}): Presigner {
  const now = options.now ?? Date.now
  const { protocol, host, pathPrefix } = bucketLocation(s.publicEndpoint || s.endpoint, s)
  const origin = `${protocol}//${host}`
  const canonicalTail = `\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`
  const credentialPrefix = uriEncode(`${s.accessKeyId}/`)
  const scopeSuffix = `/${s.region}/s3/aws4_request`
  const encodedScopeSuffix = uriEncode(scopeSuffix)
  const encodedNames = new Map<string, string>()

  // Per day: the signing key and the credential scope.
  let day = ''
  let signingKey: Buffer = Buffer.alloc(0)
  let scope = ''
  let credential = ''
  // Per second and lifetime: the X-Amz-* query parameters and the head of the string to sign.
  let lastSecond = Number.NaN
  let lastExpires = Number.NaN
  let amzDate = ''
  let amzQuery = ''
  let toSignHead = ''

  function at(second: number, expiresIn: number) {
    if (second === lastSecond && expiresIn === lastExpires) return
    if (second !== lastSecond) {
      const date = new Date(second * 1000)
      if (Number.isNaN(date.getTime())) throw new RangeError('signingDate is not a valid date')
      amzDate = date.toISOString().replace(/[-:]|\.\d{3}/g, '')
      if (amzDate.slice(0, 8) !== day) {
        day = amzDate.slice(0, 8)
        const kDate = hmac(`AWS4${s.secretAccessKey}`, day)
        signingKey = hmac(hmac(hmac(kDate, s.region), 's3'), 'aws4_request')
        scope = `${day}${scopeSuffix}`
        credential = `${credentialPrefix}${day}${encodedScopeSuffix}`
      }
      toSignHead = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n`
    }
    amzQuery = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${credential}&X-Amz-Date=${amzDate}&X-Amz-Expires=${expiresIn}&X-Amz-SignedHeaders=host`
    lastSecond = second
    lastExpires = expiresIn
  }

  function encodedName(name: string): string {
    let encoded = encodedNames.get(name)
    if (encoded === undefined) {
      encoded = uriEncode(name)
      if (encodedNames.size < 64) encodedNames.set(name, encoded)
    }
    return encoded
  }

  /** The canonical query: every parameter name=value URI-encoded, sorted by name (stable: X-Amz-* first on a tie). */
  function canonicalQuery(query: Record<string, string>): string {
    let extra = ''
    let previous = LAST_AMZ_PARAM
    for (const name in query) {
      const encoded = encodedName(name)
      // Fast path: extra names sort after every X-Amz-* name and come in order (response-* do).
      if (!(encoded > previous)) return sortedQuery(query)
      previous = encoded
      extra += `&${encoded}=${uriEncode(query[name]!)}`
    }
    return amzQuery + extra
  }

  function sortedQuery(query: Record<string, string>): string {
    const params = amzQuery.split('&').map((pair) => {
      const eq = pair.indexOf('=')
      return [pair.slice(0, eq), pair.slice(eq + 1)] as const
    })
    for (const name in query) params.push([encodedName(name), uriEncode(query[name]!)])
    return params
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&')
  }

  return {
    presignGet(key, { expiresIn, signingDate, query, reuse = false }) {
      if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_URL_TTL) {
        throw new RangeError(`expiresIn must be an integer from 1 to ${MAX_URL_TTL} seconds`)
      }
      let ms = signingDate ? signingDate.getTime() : now()
      if (reuse && !signingDate) {
        const window = reuseWindow(expiresIn) * 1000
        if (window > 0) ms -= ms % window
      }
      at(Math.floor(ms / 1000), expiresIn)
      const path = `${pathPrefix}/${SAFE_KEY.test(key) ? key : uriEncode(key).replaceAll('%2F', '/')}`
      const q = query ? canonicalQuery(query) : amzQuery
      const hash = sha256Hex(`GET\n${path}\n${q}${canonicalTail}`)
      const signature = createHmac('sha256', signingKey).update(toSignHead + hash).digest('hex')
      return `${origin}${path}?${q}&X-Amz-Signature=${signature}`
    },
  }
}

/** Keys made only of unreserved characters and slashes need no encoding (object keys here are chats/{id}/{uuid}). */
const SAFE_KEY = /^[\w.~/-]*$/

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest()
}

/** RFC 3986 encoding as SigV4 canonicalizes it: everything but unreserved characters is %XX. */
export function uriEncode(value: string): string {
  const encoded = encodeURIComponent(value)
  return RESERVED_BY_SIGV4.test(encoded) ? encoded.replace(RESERVED_BY_SIGV4_ALL, c => SIGV4_ESCAPES[c]!) : encoded
}

// The characters encodeURIComponent leaves alone but RFC 3986 (and so SigV4) reserves.
const RESERVED_BY_SIGV4 = /[!'()*]/
const RESERVED_BY_SIGV4_ALL = /[!'()*]/g
const SIGV4_ESCAPES: Record<string, string> = { '!': '%21', '\'': '%27', '(': '%28', ')': '%29', '*': '%2A' }

// Types a browser may render in place without running anything. Everything else (HTML, SVG, XML,
// JavaScript, unknown types) is served as an attachment, so a stored file can never run as the site.
const INLINE_TYPES = new Set([
  'application/pdf', 'text/plain', 'text/csv', 'application/json',
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp',
])

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

/** The bare `type/subtype` of a MIME type, lowercased; parameters dropped. */
export function essence(type: string): string {
  return type.split(';', 1)[0]!.trim().toLowerCase()
}

export function isInlineSafe(type: string): boolean {
  const t = essence(type)
  return INLINE_TYPES.has(t) || t.startsWith('audio/') || t.startsWith('video/')
}

/** The Content-Type to serve: the stored type when it is a well-formed MIME type, else octet-stream. */
export function servedContentType(type: string): string {
  return MIME_TYPE.test(essence(type)) && /^[\t\x20-\x7e]*$/.test(type.trim()) ? type.trim() : 'application/octet-stream'
}

/**
 * RFC 6266 Content-Disposition carrying the file's own name: an ASCII `filename` for old clients and
 * an RFC 5987 `filename*` so non-ASCII names arrive intact.
 */
export function contentDisposition(name: string, type: string, forceAttachment = false): string {
  name ||= 'download'
  const disposition = isInlineSafe(type) && !forceAttachment ? 'inline' : 'attachment'
  // Accents dropped (é → e), anything else outside printable ASCII, quotes and backslashes replaced.
  const fallback = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'download'
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${uriEncode(name)}`
}

let presigner: Presigner | undefined
let client: S3Client | undefined

export function useS3Settings(): S3Settings {
  return useRuntimeConfig().s3 as S3Settings
}

/** The process-wide presigner, built on first use from runtime config. */
export function usePresigner(): Presigner {
  presigner ??= createPresigner(useS3Settings())
  return presigner
}

/** The process-wide S3 client, for operations that touch the network (uploads, deletes, heads). */
export function useS3Client(): S3Client {
  client ??= createS3Client(useS3Settings())
  return client
}

export function createS3Client(s: S3Settings, options: Pick<S3ClientConfig, 'requestChecksumCalculation'> = {}): S3Client {
  return new S3Client({
    ...options,
    region: s.region,
    endpoint: s.endpoint || undefined,
    forcePathStyle: s.forcePathStyle,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    // Storage that is down should fail a request in seconds (503), not hang it.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 60_000 },
  })
}

/** True for errors that mean storage could not be reached or answered as broken (a 503 for clients). */
export function isStorageUnavailable(error: unknown): boolean {
  const e = error as { code?: string, name?: string, $metadata?: { httpStatusCode?: number }, cause?: unknown }
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(e?.code ?? '')) return true
  if (['TimeoutError', 'RequestTimeout'].includes(e?.name ?? '')) return true
  if ((e?.$metadata?.httpStatusCode ?? 0) >= 500) return true
  return e?.cause !== undefined && e.cause !== error && isStorageUnavailable(e.cause)
}

/** For `.catch()` on storage calls: unreachable storage becomes the 503 clients understand. */
export function rethrowStorageError(error: unknown): never {
  throw isStorageUnavailable(error) ? storageUnavailable() : error
}

/** Size and type of a stored object, or null when there is none. */
export async function headObject(key: string, s3 = useS3Client(), bucket = useS3Settings().bucket) {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    return { size: head.ContentLength ?? 0, type: head.ContentType ?? '' }
  }
  catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null
    throw error
  }
}

/**
 * A presigned PUT for exactly one object, bound to its content type and length (the SDK signs both
 * headers, so S3 refuses a different type or size). Signed for the public endpoint, like downloads.
 */
export async function presignUpload(key: string, type: string, size: number, expiresIn: number) {
  const s = useS3Settings()
  // No checksum of a body the server has not seen: by default the SDK signs the CRC32 of an empty one into the URL.
  publicClient ??= createS3Client({ ...s, endpoint: s.publicEndpoint || s.endpoint }, { requestChecksumCalculation: 'WHEN_REQUIRED' })
  const url = await getSignedUrl(publicClient, new PutObjectCommand({ Bucket: s.bucket, Key: key, ContentType: type, ContentLength: size }), {
    expiresIn,
    signableHeaders: new Set(['content-type', 'content-length']),
  })
  return { url, headers: { 'content-type': type } }
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
