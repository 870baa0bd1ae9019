import { describe, expect, it } from 'vitest'
import { clientAddress, hasBody, isCrossSite, isJson, normalizeAddress, throttleAddress } from '../../../server/utils/requests'
import { requestDefaults } from '../../../server/utils/config'

const req = (headers: Record<string, string | string[]>, remoteAddress = '10.0.0.1') => ({ headers, socket: { remoteAddress } }) as unknown as Parameters<typeof clientAddress>[0]

describe('clientAddress', () => {
  it('is the socket\'s address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(req({ 'x-forwarded-for': '1.2.3.4' }, '10.0.0.1'), 0)).toBe('10.0.0.1')
  })

  it('reads X-Forwarded-For from the right, one entry per trusted proxy; entries further left are the client\'s own claims', () => {
    // The client claims 6.6.6.6; the proxy appended the address it saw, 203.0.113.7.
    const forwarded = req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7' }, '10.0.0.2')
    expect(clientAddress(forwarded, 1)).toBe('203.0.113.7')
    // Two proxies: the outer one appended the client, the inner one the outer proxy.
    expect(clientAddress(req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.9' }, '10.0.0.2'), 2)).toBe('203.0.113.7')
    // Repeated headers count as one list.
    expect(clientAddress(req({ 'x-forwarded-for': ['6.6.6.6', '203.0.113.7'] }, '10.0.0.2'), 1)).toBe('203.0.113.7')
  })

  it('takes the furthest address there is when the chain is shorter than the trusted proxies, never a made-up one', () => {
    expect(clientAddress(req({}, '10.0.0.2'), 1)).toBe('10.0.0.2')
    expect(clientAddress(req({ 'x-forwarded-for': '203.0.113.7' }, '10.0.0.2'), 3)).toBe('203.0.113.7')
  })
})

describe('normalizeAddress', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['203.0.113.7:5555', '203.0.113.7'],
    ['[2001:DB8::1]:443', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    [' 198.51.100.1 ', '198.51.100.1'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected)
  })

  it('marks anything that is not an address, bounded', () => {
    expect(normalizeAddress('evil<script>')).toBe('unknown:evil<script>')
    expect(normalizeAddress('x'.repeat(500))).toHaveLength('unknown:'.length + 64)
  })
})

describe('throttleAddress', () => {
  it('counts an IPv4 address as itself and an IPv6 address as its /64', () => {
    expect(throttleAddress('203.0.113.7')).toBe('203.0.113.7')
    expect(throttleAddress('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    // Every address of one /64 is the same client.
    expect(throttleAddress('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64')
    expect(throttleAddress('2001:0db8:0001:0002:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64')
    expect(throttleAddress('2001:db8::')).toBe('2001:db8:0:0::/64')
    expect(throttleAddress('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64')
    expect(throttleAddress('unknown:x')).toBe('unknown:x')
  })
})

describe('isCrossSite', () => {
  const s = { ...requestDefaults }
  const own = { host: 'files.example.com' }

  it('believes Sec-Fetch-Site when a browser sends it', () => {
    expect(isCrossSite(req({ ...own, 'sec-fetch-site': 'same-origin' }), s)).toBe(false)
    expect(isCrossSite(req({ ...own, 'sec-fetch-site': 'none' }), s)).toBe(false)
    expect(isCrossSite(req({ ...own, 'sec-fetch-site': 'cross-site', 'origin': 'https://files.example.com' }), s)).toBe(true)
    // A sibling subdomain is another origin too.
    expect(isCrossSite(req({ ...own, 'sec-fetch-site': 'same-site' }), s)).toBe(true)
    expect(isCrossSite(req({ ...own, 'sec-fetch-site': 'something-new' }), s)).toBe(true)
  })

  it('without Sec-Fetch-Site, compares Origin with the host the request was sent to', () => {
    expect(isCrossSite(req({ ...own, origin: 'https://files.example.com' }), s)).toBe(false)
    expect(isCrossSite(req({ ...own, origin: 'http://files.example.com' }), s)).toBe(false)
    expect(isCrossSite(req({ host: 'files.example.com:443', origin: 'https://files.example.com' }), s)).toBe(false)
    expect(isCrossSite(req({ host: 'localhost:3000', origin: 'http://localhost:3000' }), s)).toBe(false)
    expect(isCrossSite(req({ ...own, origin: 'http://evil.example' }), s)).toBe(true)
    expect(isCrossSite(req({ ...own, origin: 'https://files.example.com.evil.example' }), s)).toBe(true)
    expect(isCrossSite(req({ host: 'localhost:3000', origin: 'http://localhost:3001' }), s)).toBe(true)
    expect(isCrossSite(req({ ...own, origin: 'null' }), s)).toBe(true)
    expect(isCrossSite(req({ ...own, origin: 'not a url' }), s)).toBe(true)
    expect(isCrossSite(req({ origin: 'https://files.example.com' }), s)).toBe(true)
  })

  it('lets requests with neither header pass: curl and scripts are no cross-site forgery', () => {
    expect(isCrossSite(req(own), s)).toBe(false)
  })

  it('with NUXT_ORIGIN set, only that origin is the app\'s, whatever the Host', () => {
    const configured = { ...s, origin: 'https://files.example.com' }
    expect(isCrossSite(req({ host: 'internal:3000', origin: 'https://files.example.com' }), configured)).toBe(false)
    expect(isCrossSite(req({ host: 'internal:3000', origin: 'http://internal:3000' }), configured)).toBe(true)
    expect(isCrossSite(req({ host: 'files.example.com', origin: 'http://files.example.com' }), configured)).toBe(true)
  })

  it('believes X-Forwarded-Host only behind trusted proxies', () => {
    const headers = { 'host': 'app:3000', 'x-forwarded-host': 'files.example.com', 'origin': 'https://files.example.com' }
    expect(isCrossSite(req(headers), s)).toBe(true)
    expect(isCrossSite(req(headers), { ...s, trustedProxies: 1 })).toBe(false)
  })
})

describe('hasBody and isJson', () => {
  it('a body is a length above zero or a chunked transfer', () => {
    expect(hasBody(req({}))).toBe(false)
    expect(hasBody(req({ 'content-length': '0' }))).toBe(false)
    expect(hasBody(req({ 'content-length': '2' }))).toBe(true)
    expect(hasBody(req({ 'transfer-encoding': 'chunked' }))).toBe(true)
  })

  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/jsonp', false],
    ['application/x-www-form-urlencoded', false],
    ['text/plain', false],
    ['multipart/form-data; boundary=x', false],
    ['', false],
  ])('%j is JSON: %s', (type, expected) => {
    expect(isJson(req({ 'content-type': type }))).toBe(expected)
  })
})
