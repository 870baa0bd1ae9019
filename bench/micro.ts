import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac, createSecretKey, randomUUID } from 'node:crypto'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { Sha256 } from '@smithy/core/checksum'
import { escapeUriPath, HttpRequest } from '@smithy/core/protocols'
import { SignatureV4 } from '@smithy/signature-v4'
import type { S3Settings } from '../server/utils/storage'
import { presignDownload } from '../server/utils/storage'
import { contentDisposition, servedContentType } from '../server/utils/content-disposition'
import { bucketLocation, createPresigner, uriEncode } from '../server/utils/presigner'

// In-process micro-benchmark: microseconds per presigned download URL, several ways. Each case signs
// URLs for 1,000 distinct files in turn (names with and without non-ASCII characters, several types),
// so nothing is a repeat (cold: no URL is ever served from a cache); it is warmed up, then timed in
// rounds of many calls interleaved with the other cases, and the median round counts.

// The fastest SHA-256 of a string Node has: one call where available (Node ≥ 20.12), else a Hash object.
const sha256Hex: (data: string) => string = typeof nodeCrypto.hash === 'function'
  ? data => nodeCrypto.hash('sha256', data, 'hex')
  : data => createHash('sha256').update(data).digest('hex')

/** Keys of unreserved characters and slashes (chats/{id}/{uuid}) need no encoding. */
const SAFE_KEY = /^[\w.~/-]*$/

/** A session token as long as STS's usually are (they run from about 400 to over 1,000 characters). */
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjE${'A1b2C3d4E5f6G7h8I9j0+/'.repeat(44)}==`

export interface MicroResult { name: string, usPerUrl: number, rounds: number[], iterations: number }

const settings: S3Settings = {
  endpoint: 'http://127.0.0.1:9000',
  publicEndpoint: '',
  region: 'us-east-1',
  bucket: 'chat-files',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  forcePathStyle: true,
  urlTtl: 900,
}

const TYPES = ['application/pdf', 'image/png', 'text/plain; charset=utf-8', 'text/html', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']
const files = Array.from({ length: 1000 }, (_, i) => {
  const type = TYPES[i % TYPES.length]!
  const name = i % 3 === 0 ? `Grüße – Bericht ${i} ☕.pdf` : `quarterly report ${i}.pdf`
  return { objectKey: `chats/${1000 + (i % 7)}/${randomUUID()}`, name, type }
})
const queries = files.map(f => ({ 'response-content-disposition': contentDisposition(f.name, f.type), 'response-content-type': servedContentType(f.type) }))

type Case = { key: string, name: string, fn: (i: number) => unknown, n: number, times: number[] }

let sink = 0

/** Microseconds per call over `n` calls, cycling through the files. */
async function round(fn: (i: number) => unknown, n: number): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    const r = fn(i % files.length)
    const url = (r instanceof Promise ? await r : r) as string
    sink += url.length
  }
  return Number(process.hrtime.bigint() - start) / 1000 / n
}

/**
 * Each case calibrated to about `targetMs` per round and warmed up (two rounds), then `rounds` rounds
 * taken in turn, case after case, so a busy moment of the machine hits all of them alike; the median counts.
 */
async function measureAll(cases: Case[], log: (line: string) => void, rounds = 9, targetMs = 200): Promise<Record<string, MicroResult>> {
  for (const c of cases) {
    let n = 100
    for (;;) {
      const us = await round(c.fn, n)
      if (us * n >= targetMs * 1000 / 4) {
        c.n = Math.max(100, Math.round(targetMs * 1000 / us))
        break
      }
      n *= 4
    }
    await round(c.fn, c.n)
    await round(c.fn, c.n)
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) c.times.push(await round(c.fn, c.n))
  }
  if (sink === 0) throw new Error('unreachable')
  const results: Record<string, MicroResult> = {}
  for (const c of cases) {
    const sorted = [...c.times].sort((a, b) => a - b)
    results[c.key] = { name: c.name, usPerUrl: sorted[Math.floor(sorted.length / 2)]!, rounds: c.times, iterations: c.n }
    log(`  ${c.name}: ${results[c.key]!.usPerUrl.toFixed(2)} µs/URL`)
  }
  return results
}

export async function runMicro(log: (line: string) => void = () => {}): Promise<Record<string, MicroResult>> {
  const cases: Case[] = []
  const run = (key: string, name: string, fn: (i: number) => unknown) => cases.push({ key, name, fn, n: 0, times: [] })

  // The project's presigner, as presignDownload calls it (the query precomputed: this is the signer alone).
  const presigner = createPresigner(settings)
  run('presigner', 'createPresigner().presignGet (cold)', i => presigner.presignGet(files[i]!.objectKey, { expiresIn: 900, query: queries[i] }))

  // The same with temporary credentials (an IAM role): a session token of STS's usual length rides in every URL.
  const temporary = { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: settings.secretAccessKey, sessionToken: SESSION_TOKEN, expiration: new Date(Date.now() + 3600_000) }
  const withToken = createPresigner(settings, { credentials: () => temporary })
  run('presignerToken', 'createPresigner().presignGet with a session token (cold)', i => withToken.presignGet(files[i]!.objectKey, { expiresIn: 900, query: queries[i] }))

  // presignDownload as the endpoint calls it per file: Content-Disposition and type worked out, then signed.
  const downloads = createPresigner(settings)
  run('presignDownload', 'presignDownload (cold, incl. Content-Disposition)', i => presignDownload(files[i]!, downloads, settings))

  // The AWS SDK: getSignedUrl with a new GetObjectCommand per URL, as tutorials do.
  const client = new S3Client({ region: settings.region, endpoint: settings.endpoint, forcePathStyle: true, credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } })
  run('sdkGetSignedUrl', 'SDK getSignedUrl(GetObjectCommand)', i => getSignedUrl(client, new GetObjectCommand({
    Bucket: settings.bucket,
    Key: files[i]!.objectKey,
    ResponseContentDisposition: queries[i]!['response-content-disposition'],
    ResponseContentType: queries[i]!['response-content-type'],
  }), { expiresIn: 900 }))

  // The SDK's SignatureV4, one instance reused, on a ready-made request.
  const { protocol, host, pathPrefix } = bucketLocation(settings.endpoint, settings)
  const [hostname, port] = host.split(':')
  const signer = new SignatureV4({ service: 's3', region: settings.region, credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }, sha256: Sha256, uriEscapePath: false, applyChecksum: false })
  run('sdkSignatureV4', 'SDK SignatureV4.presign (reused)', async (i) => {
    const request = new HttpRequest({ method: 'GET', protocol, hostname, port: port ? Number(port) : undefined, path: `${pathPrefix}/${escapeUriPath(files[i]!.objectKey)}`, query: queries[i], headers: { host } })
    const signed = await signer.presign(request, { expiresIn: 900, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) })
    return `${protocol}//${host}${signed.path}?${Object.entries(signed.query ?? {}).map(([k, v]) => `${uriEncode(k)}=${uriEncode(v as string)}`).join('&')}`
  })

  // The raw floor: one SHA-256 and one HMAC with a cached key over a fixed-shape canonical request whose
  // variable parts (path, encoded disposition and type) are ready-made.
  const day = '20250101'
  const amzDate = `${day}T000000Z`
  const scope = `${day}/${settings.region}/s3/aws4_request`
  // A KeyObject, as the presigner keeps it: Node 24 (OpenSSL 3.5) is slow to import a raw key on every createHmac.
  const key = createSecretKey(['us-east-1', 's3', 'aws4_request'].reduce((k, d) => createHmac('sha256', k).update(d).digest(), createHmac('sha256', `AWS4${settings.secretAccessKey}`).update(day).digest()))
  const origin = `${protocol}//${host}`
  const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${uriEncode(`${settings.accessKeyId}/${scope}`)}&X-Amz-Date=${amzDate}&X-Amz-Expires=900&X-Amz-SignedHeaders=host&response-content-disposition=`
  const tail = `\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n`
  const ready = files.map((f, i) => ({ path: `${pathPrefix}/${f.objectKey}`, rest: `${uriEncode(queries[i]!['response-content-disposition'])}&response-content-type=${uriEncode(queries[i]!['response-content-type'])}` }))
  run('rawFloor', 'raw floor (1 SHA-256 + 1 HMAC, cached key)', (i) => {
    const { path, rest } = ready[i]!
    const q = query + rest
    const hash = sha256Hex(`GET\n${path}\n${q}${tail}`)
    return `${origin}${path}?${q}&X-Amz-Signature=${createHmac('sha256', key).update(toSign + hash).digest('hex')}`
  })

  // The raw floor with the session token in the query (so hashed with it), as SigV4 requires.
  const tokenQuery = query.replace('&X-Amz-SignedHeaders=', `&X-Amz-Security-Token=${uriEncode(SESSION_TOKEN)}&X-Amz-SignedHeaders=`)
  run('rawFloorToken', 'raw floor with a session token (1 SHA-256 + 1 HMAC, cached key)', (i) => {
    const { path, rest } = ready[i]!
    const q = tokenQuery + rest
    const hash = sha256Hex(`GET\n${path}\n${q}${tail}`)
    return `${origin}${path}?${q}&X-Amz-Signature=${createHmac('sha256', key).update(toSign + hash).digest('hex')}`
  })

  // The floor route's per-file work, for comparison with presignDownload: the same Content-Disposition
  // and type worked out and encoded per file, then the raw floor's one SHA-256 and one HMAC.
  run('floorRoute', 'floor route per file (Content-Disposition + encoding + raw floor)', (i) => {
    const f = files[i]!
    const path = `${pathPrefix}/${SAFE_KEY.test(f.objectKey) ? f.objectKey : f.objectKey.split('/').map(uriEncode).join('/')}`
    const q = `${query}${uriEncode(contentDisposition(f.name, f.type))}&response-content-type=${uriEncode(servedContentType(f.type))}`
    const hash = sha256Hex(`GET\n${path}\n${q}${tail}`)
    return `${origin}${path}?${q}&X-Amz-Signature=${createHmac('sha256', key).update(toSign + hash).digest('hex')}`
  })

  try {
    return await measureAll(cases, log)
  }
  finally {
    client.destroy()
  }
}

if (process.argv[2] === 'micro') {
  runMicro(console.log).then(r => console.log(JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, +v.usPerUrl.toFixed(2)])))))
}
