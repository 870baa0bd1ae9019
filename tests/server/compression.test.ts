import { describe, expect, it } from 'vitest'
import { fetch, setupApp } from '../helpers/app'

await setupApp()

/** The scripts a page loads, from its HTML. */
async function scriptsOf(path: string): Promise<string[]> {
  const html = await fetch(path).then(r => r.text())
  return [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="(\/_nuxt\/[^"]+\.js)"/g)].map(m => m[1]!)
}

// Static assets are compressed at build time (nitro.compressPublicAssets) and served as the browser asks.
describe('static assets', () => {
  it('serve JavaScript brotli- or gzip-compressed, as asked, at well under half the size', async () => {
    const scripts = await scriptsOf('/login')
    expect(scripts.length).toBeGreaterThan(0)
    const entry = scripts[0]!
    const plain = await fetch(entry, { headers: { 'accept-encoding': 'identity' } })
    expect(plain.status).toBe(200)
    expect(plain.headers.get('content-encoding')).toBeNull()
    const size = (await plain.arrayBuffer()).byteLength
    expect(size).toBeGreaterThan(10_000)

    for (const encoding of ['br', 'gzip']) {
      const res = await fetch(entry, { headers: { 'accept-encoding': encoding } })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-encoding')).toBe(encoding)
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i)
      expect(res.headers.get('content-type')).toMatch(/javascript/)
      const sent = Number(res.headers.get('content-length'))
      expect(sent).toBeGreaterThan(0)
      expect(sent).toBeLessThan(size * 0.45)
    }
    // A browser sends both: brotli wins.
    expect((await fetch(entry, { headers: { 'accept-encoding': 'gzip, deflate, br' } })).headers.get('content-encoding')).toBe('br')
  })
})
