import { createHash } from 'node:crypto'
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc'

// The additional checksums S3 verifies on uploads (x-amz-checksum-<algorithm>: base64 of the big-endian
// digest), and what S3 answers when one is missing, malformed or wrong. The CRCs are the AWS SDK's own
// implementations (@aws-sdk/checksums), SHA-1 and SHA-256 are Node's; known-answer tests pin them all.

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const
export type ChecksumAlgorithm = typeof CHECKSUM_ALGORITHMS[number]

/** Digest length in bytes: a checksum value is exactly this many bytes, base64-encoded. */
export const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 }

export interface Checksum {
  update(chunk: Uint8Array): void
  /** The digest, base64 as in x-amz-checksum-* headers. */
  digest(): Promise<string>
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  if (algorithm === 'sha1' || algorithm === 'sha256') {
    const hash = createHash(algorithm)
    return { update: chunk => void hash.update(chunk), digest: async () => hash.digest('base64') }
  }
  const crc = algorithm === 'crc32' ? new Crc32() : algorithm === 'crc32c' ? new Crc32c() : new Crc64Nvme()
  return { update: chunk => crc.update(chunk), digest: async () => Buffer.from(await crc.digest()).toString('base64') }
}

export async function checksumOf(algorithm: ChecksumAlgorithm, body: Uint8Array | string): Promise<string> {
  const checksum = createChecksum(algorithm)
  checksum.update(typeof body === 'string' ? Buffer.from(body) : body)
  return checksum.digest()
}

/** The name S3 uses in its messages (CRC32, SHA256, …). */
export const algorithmName = (algorithm: ChecksumAlgorithm) => algorithm.toUpperCase()

export interface ChecksumClaim {
  algorithm: ChecksumAlgorithm
  /** The base64 value the request declares. */
  value: string
}

/** An S3 error: status, code and message as S3 answers them. */
export interface S3Refusal {
  status: number
  code: string
  message: string
}

const CHECKSUM_NAME = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/

/**
 * The checksum a request declares for its body: a header `x-amz-checksum-<algorithm>`, or the same name
 * in the query string (a presigned URL carries its signed headers there). S3 accepts one algorithm per
 * request, a value that decodes to exactly the digest's length, and an `x-amz-sdk-checksum-algorithm`
 * that names the same algorithm; anything else is a 400 InvalidRequest before the body is read.
 */
export function checksumClaim(headers: Record<string, string | string[] | undefined>, query: URLSearchParams): ChecksumClaim | S3Refusal | null {
  const claims: { algorithm: ChecksumAlgorithm, value: string, name: string }[] = []
  const consider = (name: string, value: string | string[] | undefined) => {
    const match = CHECKSUM_NAME.exec(name.toLowerCase())
    if (match && value !== undefined) for (const v of [value].flat()) claims.push({ algorithm: match[1] as ChecksumAlgorithm, value: v.trim(), name: name.toLowerCase() })
  }
  for (const [name, value] of Object.entries(headers)) consider(name, value)
  for (const [name, value] of query) consider(name, value)
  if (claims.length === 0) return null

  const algorithms = new Set(claims.map(c => c.algorithm))
  if (algorithms.size > 1) return invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.')
  const [claim] = claims
  for (const c of claims) {
    if (!isDigest(c.value, DIGEST_BYTES[c.algorithm])) return invalidRequest(`Value for ${c.name} header is invalid.`)
    if (c.value !== claim!.value) return badDigest(c.algorithm)
  }
  const sdkAlgorithm = [headers['x-amz-sdk-checksum-algorithm'], query.get('x-amz-sdk-checksum-algorithm') ?? undefined].flat().find(v => v !== undefined)
  if (sdkAlgorithm !== undefined && sdkAlgorithm.toLowerCase() !== claim!.algorithm) return invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.')
  return { algorithm: claim!.algorithm, value: claim!.value }
}

/** Strict base64 of exactly `bytes` bytes (S3 refuses anything else as invalid). */
function isDigest(value: string, bytes: number): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return false
  return Buffer.from(value, 'base64').length === bytes && Buffer.from(value, 'base64').toString('base64') === value
}

export function isRefusal(value: ChecksumClaim | S3Refusal | null): value is S3Refusal {
  return value !== null && 'code' in value
}

export const invalidRequest = (message: string): S3Refusal => ({ status: 400, code: 'InvalidRequest', message })

export const badDigest = (algorithm: ChecksumAlgorithm): S3Refusal =>
  ({ status: 400, code: 'BadDigest', message: `The ${algorithmName(algorithm)} you specified did not match the calculated checksum.` })

/** S3's XML error document. */
export function errorXml(refusal: S3Refusal, resource: string, requestId: string): string {
  const esc = (s: string) => s.replace(/[<>&"']/g, c => `&#${c.charCodeAt(0)};`)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${esc(refusal.message)}</Message><Resource>${esc(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`
}
