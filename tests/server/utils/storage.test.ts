import { describe, expect, it } from 'vitest'
import type { S3Settings } from '../../../server/utils/storage'
import { presignDownload } from '../../../server/utils/storage'
import { contentDisposition, servedContentType } from '../../../server/utils/content-disposition'
import { createPresigner, MAX_REUSE_WINDOW, MAX_URL_TTL, reuseWindow } from '../../../server/utils/presigner'
import { example, prng, SEED } from '../../helpers/signing'

// ---------------------------------------------------------------------------------------------
// presignDownload: synchronous, and reused within a window
// ---------------------------------------------------------------------------------------------

describe('presignDownload', () => {
  const file = { objectKey: 'chats/7/0b1c2d3e', name: 'Über café.pdf', type: 'application/pdf' }
  const withTtl = (urlTtl: number): S3Settings => ({ ...example.settings, urlTtl })
  /** X-Amz-Date (whole seconds) and X-Amz-Expires of a URL, in milliseconds. */
  function signedAt(url: string) {
    const params = new URL(url).searchParams
    const date = params.get('X-Amz-Date')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')
    return { date: Date.parse(date), expires: Number(params.get('X-Amz-Expires')) * 1000 }
  }

  it('is synchronous: presignDownload and presignGet return a string, never a Promise (no await per file)', () => {
    const presigner = createPresigner(example.settings)
    const url: unknown = presignDownload(file, presigner, example.settings)
    expect(typeof url).toBe('string')
    expect(url).not.toBeInstanceOf(Promise)
    expect(typeof presigner.presignGet('k', { expiresIn: 60 })).toBe('string')
    for (const fn of [presignDownload, presigner.presignGet, createPresigner]) expect(fn.constructor.name).toBe('Function')
  })

  it('signs for the configured lifetime with the file\'s name and type as response overrides', () => {
    const params = new URL(presignDownload(file, createPresigner(example.settings), withTtl(600))).searchParams
    expect(params.get('X-Amz-Expires')).toBe('600')
    expect(params.get('response-content-disposition')).toBe(contentDisposition(file.name, file.type))
    expect(params.get('response-content-type')).toBe('application/pdf')
  })

  it('the reuse window is half the lifetime, at most 5 minutes', () => {
    expect([1, 2, 3, 60, 599, 600, 601, 900, MAX_URL_TTL].map(reuseWindow)).toEqual([0, 1, 1, 30, 299, 300, 300, 300, 300])
    expect(MAX_REUSE_WINDOW).toBe(300)
  })

  it('for 5,000 random times and lifetimes (2 s … 7 days): X-Amz-Date ≤ now and at least half the lifetime left', () => {
    const r = prng(SEED ^ 0x717D)
    for (let i = 0; i < 5000; i++) {
      const ttl = r.chance(0.2) ? r.pick([2, 3, 4, 599, 600, 601, 900, 3600, MAX_URL_TTL - 1, MAX_URL_TTL]) : r.int(2, MAX_URL_TTL)
      // Any millisecond from 1970 to 2099.
      const now = r.int(0, 4102444799999)
      const url = presignDownload(file, createPresigner(withTtl(ttl), { now: () => now }), withTtl(ttl))
      const { date, expires } = signedAt(url)
      const message = `seed ${SEED} (PRESIGN_TEST_SEED=${SEED}), case ${i}: ttl ${ttl}, now ${now}`
      expect(expires, message).toBe(ttl * 1000)
      expect(date, message).toBeLessThanOrEqual(now)
      expect(date + expires - now, message).toBeGreaterThanOrEqual(ttl * 1000 / 2)
      // Reused for no longer than the window.
      expect(now - date, message).toBeLessThan(reuseWindow(ttl) * 1000)
    }
  })

  it('a 1-second URL is not reused: signed at the current second, which is all X-Amz-Date can say', () => {
    // X-Amz-Date counts whole seconds: a 1-second URL signed at 12:00:00.700 has 300 ms left. The
    // half-lifetime rule holds for it only on the first half of a second; NUXT_S3_URL_TTL ≥ 2 keeps it always.
    const r = prng(SEED ^ 0x0001)
    for (let i = 0; i < 1000; i++) {
      const now = r.int(0, 4102444799999)
      const { date, expires } = signedAt(presignDownload(file, createPresigner(withTtl(1), { now: () => now }), withTtl(1)))
      expect(expires).toBe(1000)
      expect(date).toBe(now - (now % 1000))
      expect(date + expires - now).toBeGreaterThan(0)
      if (now % 1000 <= 500) expect(date + expires - now).toBeGreaterThanOrEqual(500)
    }
  })

  it('two calls within one window give the identical URL; the next window gives a new one', () => {
    const r = prng(SEED ^ 0xCAFE)
    for (let i = 0; i < 500; i++) {
      const ttl = r.int(2, MAX_URL_TTL)
      const window = reuseWindow(ttl) * 1000
      const start = r.int(0, 4102444799) * 1000
      const windowStart = start - (start % window)
      let clock = windowStart + r.int(0, window - 1)
      const presigner = createPresigner(withTtl(ttl), { now: () => clock })
      const first = presignDownload(file, presigner, withTtl(ttl))
      clock = windowStart + r.int(0, window - 1)
      const message = `seed ${SEED} (PRESIGN_TEST_SEED=${SEED}), case ${i}: ttl ${ttl}`
      expect(presignDownload(file, presigner, withTtl(ttl)), message).toBe(first)
      // A fresh presigner at the same moment agrees: nothing depends on what was signed before.
      expect(presignDownload(file, createPresigner(withTtl(ttl), { now: () => clock }), withTtl(ttl)), message).toBe(first)
      clock = windowStart + window + r.int(0, window - 1)
      const next = presignDownload(file, presigner, withTtl(ttl))
      expect(next, message).not.toBe(first)
      expect(signedAt(next).date, message).toBe(windowStart + window)
    }
  })

  it('the window only moves the signing time: a reused URL is the URL presignGet signs at the window\'s start', () => {
    const now = Date.UTC(2024, 1, 29, 23, 59, 59, 999)
    const presigner = createPresigner(withTtl(900), { now: () => now })
    const windowStart = new Date(Date.UTC(2024, 1, 29, 23, 55, 0))
    expect(presignDownload(file, presigner, withTtl(900))).toBe(createPresigner(example.settings).presignGet(file.objectKey, {
      expiresIn: 900,
      signingDate: windowStart,
      query: { 'response-content-disposition': contentDisposition(file.name, file.type), 'response-content-type': servedContentType(file.type) },
    }))
  })

  it('presignGet without `reuse` signs at the injected clock\'s current second', () => {
    const now = Date.UTC(2025, 0, 1, 12, 34, 56, 789)
    const url = createPresigner(example.settings, { now: () => now }).presignGet('k', { expiresIn: 900 })
    expect(signedAt(url).date).toBe(Date.UTC(2025, 0, 1, 12, 34, 56))
  })
})

