import { randomBytes, randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { afterAll, describe, expect, it } from 'vitest'
import { listMultipartUploads, storageClient, useTestStorage } from '../helpers/storage'
import { startChecksumGate } from './checksum-gate'
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumOf } from './checksums'

// The gate in front of the suite's RGW, started by this file so that its refusals can be inspected.
const storage = useTestStorage()
const gate = await startChecksumGate({ upstream: storage.rgwEndpoint, dnsName: storage.dnsName, allowedOrigins: ['http://127.0.0.1:*'] })
const credentials = { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey }
const client = (options: { virtualHosted?: boolean, checksums?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED' } = {}) => new S3Client({
  endpoint: options.virtualHosted ? `http://${storage.dnsName}:${gate.port}` : gate.endpoint,
  forcePathStyle: !options.virtualHosted,
  region: storage.region,
  credentials,
  requestChecksumCalculation: options.checksums ?? 'WHEN_REQUIRED',
})
const s3 = client()
const rgw = storageClient({ direct: true })
afterAll(async () => {
  s3.destroy()
  rgw.destroy()
  await gate.stop()
})

const Bucket = storage.bucket
const newKey = () => `gate-test/${randomUUID()}`
const CHECKSUM_FIELDS = { crc32: 'ChecksumCRC32', crc32c: 'ChecksumCRC32C', crc64nvme: 'ChecksumCRC64NVME', sha1: 'ChecksumSHA1', sha256: 'ChecksumSHA256' } as const
const checksumField = (a: ChecksumAlgorithm) => CHECKSUM_FIELDS[a]

/** The object as RGW itself holds it (bypassing the gate), or null. */
async function stored(Key: string): Promise<Buffer | null> {
  try {
    const res = await rgw.send(new GetObjectCommand({ Bucket, Key }))
    return Buffer.from(await res.Body!.transformToByteArray())
  }
  catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return null
    throw error
  }
}

async function expectRefused(promise: Promise<unknown>, status: number, code: string, message?: RegExp) {
  const error = await promise.then(() => null, (e: unknown) => e as { name: string, message: string, $metadata: { httpStatusCode: number } })
  expect(error, 'the request was accepted').not.toBeNull()
  expect({ status: error!.$metadata.httpStatusCode, code: error!.name }).toEqual({ status, code })
  if (message) expect(error!.message).toMatch(message)
}

describe('checksum gate', () => {
  it('passes a body that matches its checksum byte for byte, and HEAD/GET with checksum mode return it', async () => {
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const Key = newKey()
      const body = randomBytes(1000 + Math.floor(Math.random() * 1000))
      const value = await checksumOf(algorithm, body)
      const put = await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, [checksumField(algorithm)]: value }))
      expect(put[checksumField(algorithm)]).toBe(value)
      expect((await stored(Key))!.equals(body)).toBe(true)
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }))
      expect({ value: head[checksumField(algorithm)], type: head.ChecksumType }).toEqual({ value, type: 'FULL_OBJECT' })
      // Without checksum mode, nothing is added.
      expect((await s3.send(new HeadObjectCommand({ Bucket, Key })))[checksumField(algorithm)]).toBeUndefined()
    }
  })

  it('refuses a body that does not match its checksum with S3\'s 400 BadDigest, and nothing is stored', async () => {
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const Key = newKey()
      const value = await checksumOf(algorithm, 'the body that was meant')
      await expectRefused(s3.send(new PutObjectCommand({ Bucket, Key, Body: 'a body that was not meant', [checksumField(algorithm)]: value })),
        400, 'BadDigest', new RegExp(`The ${algorithm.toUpperCase()} you specified did not match the calculated checksum`))
      expect(await stored(Key)).toBeNull()
      expect(gate.refusals.at(-1)).toEqual({ method: 'PUT', path: expect.stringContaining(Key), code: 'BadDigest' })
    }
  })

  it('verifies a checksum hoisted into a presigned URL\'s query, as S3 does', async () => {
    const body = Buffer.from('uploaded by a browser')
    const Key = newKey()
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key, ChecksumSHA256: await checksumOf('sha256', body) }), { expiresIn: 60, unhoistableHeaders: new Set() })
    expect(new URL(url).searchParams.get('x-amz-checksum-sha256')).toBe(await checksumOf('sha256', body))
    const wrong = await fetch(url, { method: 'PUT', body: 'something else entirely' })
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toMatch(/<Code>BadDigest<\/Code><Message>The SHA256 you specified did not match the calculated checksum.<\/Message>/)
    expect(await stored(Key)).toBeNull()
    expect((await fetch(url, { method: 'PUT', body })).status).toBe(200)
    expect(await stored(Key)).toEqual(body)
  })

  it('refuses the URL the SDK presigns by default (CRC32 of an empty body in its query) for any non-empty body', async () => {
    // The bug: getSignedUrl(PutObjectCommand) on a client with requestChecksumCalculation WHEN_SUPPORTED.
    const presigner = client({ checksums: 'WHEN_SUPPORTED' })
    const Key = newKey()
    const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket, Key, ContentType: 'text/plain', ContentLength: 5 }), { expiresIn: 60, signableHeaders: new Set(['content-type', 'content-length']) })
    presigner.destroy()
    expect(url).toMatch(/[?&]x-amz-checksum-crc32=AAAAAA%3D%3D(&|$)/)
    expect(url).toMatch(/[?&]x-amz-sdk-checksum-algorithm=CRC32(&|$)/)
    const res = await fetch(url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain' } })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/<Code>BadDigest<\/Code>/)
    expect(await stored(Key)).toBeNull()
  })

  it('verifies bodies of several MiB: a match is stored byte for byte, one changed byte is refused', async () => {
    const body = randomBytes(12 * 1024 * 1024)
    const value = await checksumOf('sha256', body)
    const Key = newKey()
    const corrupt = Buffer.from(body)
    corrupt[7_654_321]! ^= 0x40
    await expectRefused(s3.send(new PutObjectCommand({ Bucket, Key, Body: corrupt, ChecksumSHA256: value })), 400, 'BadDigest')
    expect(await stored(Key)).toBeNull()
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ChecksumSHA256: value }))
    expect((await stored(Key))!.equals(body)).toBe(true)
    // GET with checksum mode: the SDK validates the body against the checksum the gate returns.
    const get = await s3.send(new GetObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }))
    expect(get.ChecksumSHA256).toBe(value)
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(body)).toBe(true)
  })

  it('verifies parts of a multipart upload; an aborted upload leaves nothing', async () => {
    const Key = newKey()
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: 'CRC32C' }))
    const part = randomBytes(5 * 1024 * 1024)
    await expectRefused(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: part, ChecksumCRC32C: await checksumOf('crc32c', 'other') })), 400, 'BadDigest')
    await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: part, ChecksumCRC32C: await checksumOf('crc32c', part) }))
    expect(await listMultipartUploads(Key)).toEqual([{ key: Key, uploadId: UploadId }])
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
    expect(await listMultipartUploads(Key)).toEqual([])
    expect(await stored(Key)).toBeNull()
  })

  it('refuses malformed claims before reading the body: two algorithms, a value of the wrong length', async () => {
    const Key = newKey()
    const twoAlgorithms = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key, ChecksumCRC32: 'AAAAAA==' }), { expiresIn: 60 })
    const res = await fetch(twoAlgorithms, { method: 'PUT', body: '', headers: { 'x-amz-checksum-sha1': await checksumOf('sha1', '') } })
    expect([res.status, await res.text()]).toEqual([400, expect.stringMatching(/<Code>InvalidRequest<\/Code><Message>Expecting a single x-amz-checksum- header/)])
    await expectRefused(s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x', ChecksumCRC32: 'AAAA' })), 400, 'InvalidRequest', /x-amz-checksum-crc32 header is invalid/)
    expect(await stored(Key)).toBeNull()
  })

  it('refuses checksummed bodies over its cap instead of passing them unverified', async () => {
    const small = await startChecksumGate({ upstream: storage.rgwEndpoint, maxBodyBytes: 1024 })
    const c = new S3Client({ endpoint: small.endpoint, forcePathStyle: true, region: storage.region, credentials, requestChecksumCalculation: 'WHEN_REQUIRED' })
    const Key = newKey()
    try {
      const body = randomBytes(2048)
      await expectRefused(c.send(new PutObjectCommand({ Bucket, Key, Body: body, ChecksumCRC32: await checksumOf('crc32', body) })), 400, 'EntityTooLarge')
      expect(await stored(Key)).toBeNull()
      // Bodies without a checksum are not read whole: they stream through.
      await c.send(new PutObjectCommand({ Bucket, Key, Body: body }))
      expect(await stored(Key)).toEqual(body)
    }
    finally {
      c.destroy()
      await small.stop()
    }
  })

  it('refuses trailing checksums (aws-chunked), which RGW 16 cannot take either', async () => {
    // The SDK's default for a stream body: content-encoding aws-chunked, the CRC32 in a trailer.
    const streaming = client({ checksums: 'WHEN_SUPPORTED' })
    const Key = newKey()
    try {
      await expectRefused(streaming.send(new PutObjectCommand({ Bucket, Key, Body: Readable.from([Buffer.from('streamed')]), ContentLength: 8 })), 501, 'NotImplemented')
      expect(await stored(Key)).toBeNull()
      // RGW itself refuses the same request (it would not store a checksum it cannot check).
      const direct = new S3Client({ endpoint: storage.rgwEndpoint, forcePathStyle: true, region: storage.region, credentials })
      const refused = await direct.send(new PutObjectCommand({ Bucket, Key, Body: Readable.from([Buffer.from('streamed')]), ContentLength: 8 })).then(() => null, (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode)
      direct.destroy()
      expect(refused).toBeGreaterThanOrEqual(400)
      expect(await stored(Key)).toBeNull()
    }
    finally {
      streaming.destroy()
    }
  })

  it('keeps the CRC64NVME of objects stored without a checksum, as S3 does, and forgets what changed behind it', async () => {
    const Key = newKey()
    const body = randomBytes(300_000)
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body }))
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }))
    expect(head.ChecksumCRC64NVME).toBe(await checksumOf('crc64nvme', body))
    // Overwritten straight on RGW: the gate's record no longer matches the object's ETag and is not shown.
    await rgw.send(new PutObjectCommand({ Bucket, Key, Body: 'replaced' }))
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }))).ChecksumCRC64NVME).toBeUndefined()
  })

  it('works the same for virtual-hosted-style requests (bucket.s3.localhost)', async () => {
    const vhost = client({ virtualHosted: true })
    const Key = newKey()
    try {
      await expectRefused(vhost.send(new PutObjectCommand({ Bucket, Key, Body: 'b', ChecksumSHA1: await checksumOf('sha1', 'a') })), 400, 'BadDigest')
      expect(new URL(gate.refusals.at(-1)!.path, gate.endpoint).pathname).toBe(`/${Key}`)
      await vhost.send(new PutObjectCommand({ Bucket, Key, Body: 'a', ChecksumSHA1: await checksumOf('sha1', 'a') }))
      expect((await vhost.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }))).ChecksumSHA1).toBe(await checksumOf('sha1', 'a'))
      expect(await stored(Key)).toEqual(Buffer.from('a'))
    }
    finally {
      vhost.destroy()
    }
  })

  it('passes CORS preflights to storage, and its own refusals carry CORS headers for allowed origins', async () => {
    const Key = newKey()
    const preflight = await fetch(`${gate.endpoint}/${Bucket}/${Key}`, { method: 'OPTIONS', headers: { 'origin': 'http://127.0.0.1:3000', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-amz-checksum-sha256' } })
    expect(preflight.status).toBe(200)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000')
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key, ChecksumSHA256: await checksumOf('sha256', 'meant') }), { expiresIn: 60, unhoistableHeaders: new Set() })
    const refused = await fetch(url, { method: 'PUT', body: 'not meant', headers: { origin: 'http://127.0.0.1:3000' } })
    expect(refused.status).toBe(400)
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000')
    const foreign = await fetch(url, { method: 'PUT', body: 'not meant', headers: { origin: 'http://evil.example' } })
    expect(foreign.status).toBe(400)
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })
})
