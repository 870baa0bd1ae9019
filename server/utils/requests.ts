import { isIP } from 'node:net'
import type { IncomingMessage } from 'node:http'
import type { H3Event } from 'h3'
import type { RequestSettings } from './config'
import { bodyTooLarge } from './errors'

// What the server knows about who is asking and from where: the client's address (behind a configured
// number of proxies), whether a browser says the request comes from another site, and JSON bodies read
// up to a limit. String work only: this runs on every API request.

let settings: RequestSettings | undefined

/** Methods that change state: checked for cross-site origins and JSON bodies (server/middleware/api-guard.ts). */
export const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** NUXT_ORIGIN, NUXT_TRUSTED_PROXIES, NUXT_JSON_BODY_LIMIT; fixed for the life of the process. */
export function useRequestSettings(): RequestSettings {
  if (!settings) {
    const config = useRuntimeConfig()
    settings = { origin: String(config.origin ?? ''), trustedProxies: Number(config.trustedProxies ?? 0), jsonBodyLimit: Number(config.jsonBodyLimit) }
  }
  return settings
}

/**
 * The client's address: the socket's, or, behind `trustedProxies` proxies that each append the address they
 * were reached from to X-Forwarded-For, the entry that many places from the right. Entries further left
 * were written by the client and are never believed. IPv4-mapped IPv6 addresses read as IPv4.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustedProxies: number): string {
  const socket = req.socket?.remoteAddress ?? ''
  if (trustedProxies <= 0) return normalizeAddress(socket)
  const header = req.headers['x-forwarded-for']
  const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map(s => s.trim()).filter(Boolean)
  const chain = [socket, ...forwarded.reverse()]
  return normalizeAddress(chain[Math.min(trustedProxies, chain.length - 1)]!)
}

/** An address as counted and stored: no port or brackets, IPv4-mapped IPv6 as IPv4, anything else bounded. */
export function normalizeAddress(raw: string): string {
  let address = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)
  if (bracketed) address = bracketed[1]!
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'))
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped) address = mapped[1]!
  if (isIP(address)) return address.toLowerCase()
  return `unknown:${address.slice(0, 64)}`
}

/**
 * The key a client address is throttled under. One IPv6 subscriber usually holds a whole /64, so an
 * IPv6 address counts as its /64 prefix; an IPv4 address as itself.
 */
export function throttleAddress(address: string): string {
  if (isIP(address) !== 6) return address
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`
}

function expandIpv6(address: string): string[] {
  let text = address.toLowerCase().replace(/%.*$/, '')
  // A trailing dotted quad (::1.2.3.4) is two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number]
    text = text.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return groups.map(g => (Number.parseInt(g || '0', 16) || 0).toString(16))
}

/**
 * True when a browser marks the request as coming from another site. Browsers send Sec-Fetch-Site
 * (scripts cannot set it) and it decides; older browsers send only Origin, which must then be the app's
 * own. Requests with neither (curl, scripts, server-to-server) are no cross-site forgery and pass.
 */
export function isCrossSite(req: Pick<IncomingMessage, 'headers'>, s: RequestSettings): boolean {
  const site = req.headers['sec-fetch-site']
  if (site === 'same-origin' || site === 'none') return false
  if (site !== undefined) return true // same-site (a sibling subdomain), cross-site, or anything unknown
  const origin = req.headers.origin
  if (origin === undefined) return false
  return !isOwnOrigin(origin, req, s)
}

function isOwnOrigin(origin: string, req: Pick<IncomingMessage, 'headers'>, s: RequestSettings): boolean {
  if (origin === 'null') return false
  if (s.origin) return origin.toLowerCase() === s.origin.toLowerCase().replace(/\/$/, '')
  // No configured origin: the host the request was sent to (as the nearest trusted proxy saw it).
  const forwardedHost = s.trustedProxies > 0 ? lastValue(req.headers['x-forwarded-host']) : undefined
  const host = forwardedHost || req.headers.host
  if (!host) return false
  try {
    const from = new URL(origin)
    return from.host === new URL(`${from.protocol}//${host}`).host
  }
  catch {
    return false
  }
}

function lastValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.at(-1) : header
  return value?.split(',').at(-1)?.trim() || undefined
}

/** Whether a request carries a body at all (a length above zero, or chunked). */
export function hasBody(req: Pick<IncomingMessage, 'headers'>): boolean {
  const length = req.headers['content-length']
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined
}

const JSON_TYPE = /^application\/json[\t ]*(?:;|$)/i

export function isJson(req: Pick<IncomingMessage, 'headers'>): boolean {
  return JSON_TYPE.test(req.headers['content-type'] ?? '')
}

/**
 * Caps a JSON request body at `limit` bytes. A declared Content-Length above it is refused before a byte is
 * read; a chunked body is read here, counted as it arrives and cut off at the limit. The route then reads
 * the body as usual (h3 takes it from `event._requestBody`). A refused request closes its connection, so
 * the rest of the body is not read either.
 */
export function capJsonBody(event: H3Event, limit: number) {
  const req = event.node.req
  const declared = req.headers['content-length']
  if (declared !== undefined) {
    if (Number(declared) > limit) refuse(event, limit)
    return // Node's parser delivers exactly Content-Length bytes
  }
  if (req.headers['transfer-encoding'] === undefined) return
  const body = readCapped(req, limit).catch((error) => {
    event.node.res.setHeader('connection', 'close')
    throw error
  })
  body.catch(() => {}) // a route that never reads the body must not leave an unhandled rejection
  event._requestBody = body as unknown as BodyInit
}

function refuse(event: H3Event, limit: number): never {
  event.node.res.setHeader('connection', 'close')
  throw bodyTooLarge(limit)
}

function readCapped(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      done()
      req.pause()
      chunks.length = 0
      reject(bodyTooLarge(limit))
    }
    const onEnd = () => {
      done()
      resolve(Buffer.concat(chunks))
    }
    const onError = (error: Error) => {
      done()
      reject(error)
    }
    req.on('data', onData).on('end', onEnd).on('error', onError)
  })
}
