import { randomUUID } from 'node:crypto'
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { Sha256 } from '@smithy/core/checksum'
import { SignatureV4 } from '@smithy/signature-v4'
import { afterAll, describe, expect, it } from 'vitest'
import { listMultipartUploads, storageClient, useTestStorage } from '../helpers/storage'
import { checksumOf } from './checksums'

// What the suite's storage (the endpoint the app is configured with) refuses, as AWS S3 does: each
// refusal next to the same request made right, so that only the tampered part can explain it.
const storage = useTestStorage()
const path = storageClient()
const vhost = storageClient({ virtualHosted: true })
afterAll(() => {
  path.destroy()
  vhost.destroy()
})
const Bucket = storage.bucket
const newKey = () => `storage-test/${randomUUID()}`

async function putObject(Key: string, Body: string, ContentType = 'text/plain') {
  await path.send(new PutObjectCommand({ Bucket, Key, Body, ContentType }))
}

/** Flips one hexadecimal digit of a signature: `X-Amz-Signature=` in a URL, `Signature=` in a header. */
const tamper = (signed: string) => signed.replace(/Signature=([0-9a-f])/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`)

async function exists(Key: string) {
  return path.send(new HeadObjectCommand({ Bucket, Key })).then(() => true, () => false)
}

describe('the test storage refuses what S3 refuses', () => {
  it('a presigned URL with a tampered signature, another key or an added parameter (403)', async () => {
    const Key = newKey()
    await putObject(Key, 'secret')
    const url = await getSignedUrl(path, new GetObjectCommand({ Bucket, Key }), { expiresIn: 60 })
    expect(await (await fetch(url)).text()).toBe('secret')
    for (const bad of [tamper(url), url.replace(Key, newKey()), `${url}&response-content-type=text%2Fhtml`]) {
      const res = await fetch(bad)
      expect(res.status).toBe(403)
      expect(await res.text()).toMatch(/<Code>(AccessDenied|SignatureDoesNotMatch)<\/Code>/)
    }
  })

  it('a header-signed request with a tampered signature or the wrong secret (403)', async () => {
    const Key = newKey()
    await putObject(Key, 'secret')
    const endpoint = new URL(storage.endpoint)
    const sign = (secretAccessKey: string) => new SignatureV4({ credentials: { accessKeyId: storage.accessKeyId, secretAccessKey }, region: storage.region, service: 's3', sha256: Sha256, uriEscapePath: false })
      .sign({ method: 'GET', protocol: 'http:', hostname: endpoint.hostname, port: Number(endpoint.port), path: `/${Bucket}/${Key}`, headers: { 'host': endpoint.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })
    const good = await sign(storage.secretAccessKey)
    const get = (headers: Record<string, string>) => fetch(`${storage.endpoint}/${Bucket}/${Key}`, { headers })
    expect(await (await get(good.headers)).text()).toBe('secret')
    // S3 says SignatureDoesNotMatch; RGW 16 says AccessDenied. Either way: 403, nothing read.
    const tampered = await get({ ...good.headers, authorization: tamper(good.headers.authorization!) })
    expect([tampered.status, await tampered.text()]).toEqual([403, expect.stringMatching(/<Code>(AccessDenied|SignatureDoesNotMatch)<\/Code>/)])
    const wrongSecret = await get((await sign('not-the-secret')).headers)
    expect([wrongSecret.status, await wrongSecret.text()]).toEqual([403, expect.stringMatching(/<Code>(AccessDenied|SignatureDoesNotMatch)<\/Code>/)])
  })

  it('a header-signed PUT sent with another Content-Type or Content-Length than signed (403), storing nothing', async () => {
    const Key = newKey()
    const endpoint = new URL(storage.endpoint)
    const signed = await new SignatureV4({ credentials: storage, region: storage.region, service: 's3', sha256: Sha256, uriEscapePath: false }).sign({
      method: 'PUT', protocol: 'http:', hostname: endpoint.hostname, port: Number(endpoint.port), path: `/${Bucket}/${Key}`,
      headers: { 'host': endpoint.host, 'content-type': 'text/plain', 'content-length': '5', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    })
    const put = (body: string, type: string) => fetch(`${storage.endpoint}/${Bucket}/${Key}`, { method: 'PUT', body, headers: { ...signed.headers, 'content-type': type, 'content-length': String(body.length) } })
    expect((await put('hello', 'text/html')).status).toBe(403)
    expect((await put('hello!', 'text/plain')).status).toBe(403)
    expect(await exists(Key)).toBe(false)
    expect((await put('hello', 'text/plain')).status).toBe(200)
    expect(await exists(Key)).toBe(true)
  })

  it('an expired presigned URL (403)', async () => {
    const Key = newKey()
    await putObject(Key, 'old news')
    const signedAt = (secondsAgo: number) => getSignedUrl(path, new GetObjectCommand({ Bucket, Key }), { expiresIn: 60, signingDate: new Date(Date.now() - secondsAgo * 1000) })
    expect((await fetch(await signedAt(30))).status).toBe(200)
    const expired = await fetch(await signedAt(90))
    expect([expired.status, await expired.text()]).toEqual([403, expect.stringMatching(/<Code>AccessDenied<\/Code>/)])
  })

  it('a presigned PUT whose Content-Type or Content-Length differ from the signed ones (403), storing nothing', async () => {
    const Key = newKey()
    const presigner = storageClient({ checksums: 'WHEN_REQUIRED' })
    const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket, Key, ContentType: 'text/plain', ContentLength: 5 }), { expiresIn: 60, signableHeaders: new Set(['content-type', 'content-length']) })
    presigner.destroy()
    for (const [body, type] of [['hello', 'text/html'], ['hello!', 'text/plain'], ['hell', 'text/plain']]) {
      const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': type! } })
      expect(res.status, `${type}, ${body!.length} bytes`).toBe(403)
    }
    expect(await exists(Key)).toBe(false)
    expect((await fetch(url, { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain' } })).status).toBe(200)
    expect(await exists(Key)).toBe(true)
  })

  it('a body that does not match its signed x-amz-checksum-*, as a header or in a presigned URL (400 BadDigest)', async () => {
    const Key = newKey()
    await expect(path.send(new PutObjectCommand({ Bucket, Key, Body: 'corrupted', ChecksumSHA256: await checksumOf('sha256', 'original') }))).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } })
    // The URL shape of the issue: the SDK signed the CRC32 of an empty body into the query.
    const presigner = storageClient({ checksums: 'WHEN_SUPPORTED' })
    const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket, Key, ContentType: 'text/plain', ContentLength: 8 }), { expiresIn: 60, signableHeaders: new Set(['content-type', 'content-length']) })
    presigner.destroy()
    expect(new URL(url).searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==')
    const res = await fetch(url, { method: 'PUT', body: 'a report', headers: { 'content-type': 'text/plain' } })
    expect([res.status, await res.text()]).toEqual([400, expect.stringMatching(/<Code>BadDigest<\/Code>/)])
    expect(await exists(Key)).toBe(false)
  })

  it('requests with neither a valid key nor a session token that RGW issued (403)', async () => {
    const stranger = storageClient({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } })
    await expect(stranger.send(new ListObjectsV2Command({ Bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } })
    stranger.destroy()
  })
})

describe('the test storage implements what the app relies on', () => {
  it('aborting a multipart upload leaves no upload and no parts', async () => {
    const Key = newKey()
    const { UploadId } = await path.send(new CreateMultipartUploadCommand({ Bucket, Key }))
    await path.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: Buffer.alloc(5 << 20, 7) }))
    expect(await listMultipartUploads(Key)).toEqual([{ key: Key, uploadId: UploadId }])
    await path.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
    expect(await listMultipartUploads(Key)).toEqual([])
    expect(await exists(Key)).toBe(false)
  })

  it('virtual-hosted-style addressing (bucket.s3.localhost) alongside path style, with the same verification', async () => {
    const Key = newKey()
    await vhost.send(new PutObjectCommand({ Bucket, Key, Body: 'virtually hosted', ContentType: 'text/plain' }))
    const url = await getSignedUrl(vhost, new GetObjectCommand({ Bucket, Key }), { expiresIn: 60 })
    expect(new URL(url).host).toBe(`${Bucket}.${new URL(storage.vhostEndpoint).host}`)
    expect(new URL(url).pathname).toBe(`/${Key}`)
    expect(await (await fetch(url)).text()).toBe('virtually hosted')
    expect((await fetch(tamper(url))).status).toBe(403)
    // One bucket, two addressing styles.
    expect(await (await path.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString()).toBe('virtually hosted')
  })

  it('CORS for the app\'s local origins, answered on preflight; other origins get no CORS headers', async () => {
    const Key = newKey()
    const preflight = (origin: string) => fetch(`${storage.endpoint}/${Bucket}/${Key}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-amz-checksum-sha256' } })
    const allowed = await preflight('http://127.0.0.1:41234')
    expect(allowed.status).toBe(200)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:41234')
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/PUT/)
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/x-amz-checksum-sha256/)
    const foreign = await preflight('http://evil.example')
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })
})
