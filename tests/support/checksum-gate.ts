import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pipeline } from 'node:stream'
import { badDigest, type ChecksumAlgorithm, checksumClaim, createChecksum, errorXml, isRefusal, type S3Refusal } from './checksums'

// A proxy in front of the test storage that verifies x-amz-checksum-* as S3 does, because RGW 16 ignores
// them. Requests go through untouched (method, path, query, headers, Host included: the signature covers
// them). A PUT that declares a checksum, as a header or in a presigned URL's query, is read whole first;
// if the body does not match, the gate answers S3's 400 BadDigest and storage never sees a byte of it.
// Reading the body before forwarding (rather than cutting the upstream before its last byte) makes that
// certain, and test bodies are small; the cap below is explicit. It also remembers each stored object's
// checksum, as S3 does (CRC64NVME when the upload declared none), and returns it to HEAD and GET with
// `x-amz-checksum-mode: ENABLED`.

export interface ChecksumGateOptions {
  /** The storage behind the gate, e.g. http://127.0.0.1:7480 */
  upstream: string
  /** Port to listen on (127.0.0.1); 0 picks a free one. */
  port?: number
  /** Host name whose subdomains name buckets (virtual-hosted style), as the storage is configured. */
  dnsName?: string
  /** Largest checksummed body the gate reads before forwarding. */
  maxBodyBytes?: number
  /** Origins the bucket's CORS rule allows: the gate's own refusals carry CORS headers for them, as S3's do. */
  allowedOrigins?: string[]
}

export interface GateRefusal { method: string, path: string, code: string }

export interface ChecksumGate {
  endpoint: string
  port: number
  /** What the gate itself refused, oldest first. */
  refusals: GateRefusal[]
  stop(): Promise<void>
}

interface StoredChecksum { etag: string, algorithm: ChecksumAlgorithm, value: string }

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'expect', 'upgrade', 'te'])
export const DEFAULT_MAX_BODY_BYTES = 64 << 20

export async function startChecksumGate(options: ChecksumGateOptions): Promise<ChecksumGate> {
  const upstream = new URL(options.upstream)
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const agent = new http.Agent({ keepAlive: true })
  const stored = new Map<string, StoredChecksum>()
  const refusals: GateRefusal[] = []

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) refuse(req, res, { status: 503, code: 'ServiceUnavailable', message: `Storage behind the checksum gate failed: ${(error as Error).message}` }, false)
      else res.destroy()
    })
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://gate')
    const target = objectTarget(req.headers.host ?? '', url.pathname, options.dnsName)
    const claim = req.method === 'PUT' ? checksumClaim(req.headers, url.searchParams) : null
    if (isRefusal(claim)) return refuse(req, res, claim)
    const chunked = /aws-chunked/i.test(String(req.headers['content-encoding'] ?? '')) || String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')
    if (chunked && (claim || req.headers['x-amz-trailer'])) {
      // Verifying would mean decoding aws-chunked; RGW 16 refuses trailing checksums anyway (400 XAmzContentSHA256Mismatch).
      return refuse(req, res, { status: 501, code: 'NotImplemented', message: 'The test storage does not verify checksums of aws-chunked bodies (trailing checksums); send the checksum as a header' })
    }
    const isPutObject = req.method === 'PUT' && target !== null && !req.headers['x-amz-copy-source'] && isPlainObjectRequest(url.searchParams)

    let body: Buffer | undefined
    let recorded: Omit<StoredChecksum, 'etag'> | undefined
    if (claim) {
      const declared = Number(req.headers['content-length'])
      if (declared > maxBodyBytes) return refuse(req, res, tooLarge(maxBodyBytes))
      body = await readBody(req, maxBodyBytes)
      if (!body) return refuse(req, res, tooLarge(maxBodyBytes))
      const checksum = createChecksum(claim.algorithm)
      checksum.update(body)
      if (await checksum.digest() !== claim.value) return refuse(req, res, badDigest(claim.algorithm))
      recorded = claim
    }

    const upstreamReq = http.request({
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req.rawHeaders),
    })
    // Without a declared checksum S3 stores the object's CRC64NVME; so does the gate, on the way through.
    let passing: ReturnType<typeof createChecksum> | undefined
    if (isPutObject && !claim && !chunked) {
      passing = createChecksum('crc64nvme')
      req.on('data', (chunk: Buffer) => passing!.update(chunk))
    }
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      upstreamReq.on('response', resolve)
      upstreamReq.on('error', reject)
      req.on('error', reject)
    })
    // A client that goes away mid-body takes the upstream request along: storage keeps no partial object.
    if (body) upstreamReq.end(body)
    else pipeline(req, upstreamReq, () => {})
    const upstreamRes = await response

    const extra: string[] = []
    const key = target && `${target.bucket}/${target.key}`
    const ok = upstreamRes.statusCode! >= 200 && upstreamRes.statusCode! < 300
    if (ok && claim) extra.push(`x-amz-checksum-${claim.algorithm}`, claim.value)
    if (ok && isPutObject && key) {
      if (passing) {
        await new Promise(resolve => req.readableEnded ? resolve(null) : req.once('end', resolve))
        recorded = { algorithm: 'crc64nvme', value: await passing.digest() }
      }
      const etag = String(upstreamRes.headers.etag ?? '')
      if (recorded && etag) stored.set(key, { etag, ...recorded })
      else stored.delete(key)
    }
    if (ok && req.method === 'DELETE' && key && isPlainObjectRequest(url.searchParams)) stored.delete(key)
    if (ok && (req.method === 'HEAD' || req.method === 'GET') && key && /^enabled$/i.test(String(req.headers['x-amz-checksum-mode'] ?? '')) && !req.headers.range && isPlainObjectRequest(url.searchParams)) {
      const known = stored.get(key)
      // The ETag (an MD5 of single-part content) proves the object is still the one whose checksum is known.
      if (known && known.etag === upstreamRes.headers.etag) extra.push(`x-amz-checksum-${known.algorithm}`, known.value, 'x-amz-checksum-type', 'FULL_OBJECT')
    }
    res.writeHead(upstreamRes.statusCode!, upstreamRes.statusMessage, [...forwardedHeaders(upstreamRes.rawHeaders), ...extra])
    pipeline(upstreamRes, res, () => {})
  }

  function refuse(req: http.IncomingMessage, res: http.ServerResponse, refusal: S3Refusal, record = true) {
    const requestId = randomBytes(8).toString('hex').toUpperCase()
    if (record) refusals.push({ method: req.method ?? '', path: req.url ?? '', code: refusal.code })
    const headers: Record<string, string> = { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'connection': 'close' }
    const origin = req.headers.origin
    if (origin && (options.allowedOrigins ?? []).some(pattern => originMatches(pattern, origin))) {
      Object.assign(headers, { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'ETag', 'vary': 'Origin' })
    }
    res.writeHead(refusal.status, headers)
    res.end(req.method === 'HEAD' ? undefined : errorXml(refusal, new URL(req.url ?? '/', 'http://gate').pathname, requestId))
    // The rest of a refused body is read and dropped.
    req.resume()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    refusals,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
      agent.destroy()
    }),
  }
}

/** Bucket and (decoded) key a request addresses, virtual-hosted (`bucket.<dnsName>`) or path style. */
export function objectTarget(host: string, pathname: string, dnsName?: string): { bucket: string, key: string } | null {
  const hostname = host.replace(/:\d+$/, '').toLowerCase()
  const path = pathname.replace(/^\//, '')
  let bucket: string
  let encodedKey: string
  if (dnsName && hostname.endsWith(`.${dnsName}`)) {
    bucket = hostname.slice(0, -dnsName.length - 1)
    encodedKey = path
  }
  else {
    const slash = path.indexOf('/')
    if (slash < 0) return null
    bucket = decodeURIComponent(path.slice(0, slash))
    encodedKey = path.slice(slash + 1)
  }
  if (!bucket || !encodedKey) return null
  try {
    return { bucket, key: decodeURIComponent(encodedKey) }
  }
  catch {
    return null
  }
}

/** True when the query names no sub-resource (uploadId, partNumber, tagging, acl, …): the object itself. */
function isPlainObjectRequest(query: URLSearchParams): boolean {
  for (const name of query.keys()) {
    const lower = name.toLowerCase()
    if (!lower.startsWith('x-amz-') && !lower.startsWith('response-') && lower !== 'x-id' && lower !== 'versionid') return false
  }
  return true
}

function forwardedHeaders(raw: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!)
  return out
}

/** The whole body, or undefined when it is longer than `max` bytes (then read to its end and dropped). */
async function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= max) chunks.push(chunk)
  }
  return size <= max ? Buffer.concat(chunks) : undefined
}

const tooLarge = (max: number): S3Refusal => ({ status: 400, code: 'EntityTooLarge', message: `The checksum gate of the test storage reads at most ${max} bytes of a checksummed body` })

/** An S3 CORS AllowedOrigin pattern (at most one `*`) against an Origin header. */
export function originMatches(pattern: string, origin: string): boolean {
  if (pattern === '*') return true
  const star = pattern.indexOf('*')
  if (star < 0) return pattern === origin
  const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)]
  return origin.length >= head.length + tail.length && origin.startsWith(head) && origin.endsWith(tail)
}
