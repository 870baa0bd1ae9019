import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { apiHeaders, inlineScriptHashes, pagePolicy, staticHeaders } from '../../../server/utils/security-headers'

const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`

describe('inlineScriptHashes', () => {
  it('hashes the inline scripts that run, and nothing else', () => {
    const config = 'window.__NUXT__={};window.__NUXT__.config={public:{}}'
    const chunks = [
      `<meta charset="utf-8"><script type="importmap">{"imports":{"#entry":"/_nuxt/a.js"}}</script>`,
      `<script type="module" src="/_nuxt/a.js" crossorigin></script><link rel="modulepreload" href="/_nuxt/b.js">`,
      `<script>${config}</script>\n<script type="application/json" data-nuxt-data="nuxt-app" id="__NUXT_DATA__">[{"a":"<\\/script>"}]</script>`,
      `<script type="module">import "/x.js"</script><SCRIPT TYPE="text/javascript">1</SCRIPT ><script data-x>2</script>`,
    ]
    expect(inlineScriptHashes(chunks)).toEqual([
      sha('{"imports":{"#entry":"/_nuxt/a.js"}}'),
      sha(config),
      sha('import "/x.js"'),
      sha('1'),
      sha('2'),
    ])
  })

  it('lists a repeated script once and finds none where there are none', () => {
    expect(inlineScriptHashes(['<script>a</script>', '<script>a</script>'])).toEqual([sha('a')])
    expect(inlineScriptHashes(['<style>x</style>', ''])).toEqual([])
  })
})

describe('pagePolicy', () => {
  it('allows scripts from the app and the listed hashes only, and the storage origin where files are shown or sent', () => {
    const policy = pagePolicy('https://bucket.s3.eu-west-3.amazonaws.com')([sha('a'), sha('b')])
    const directives = Object.fromEntries(policy.split('; ').map(d => [d.split(' ')[0], d.split(' ').slice(1)]))
    expect(directives['script-src']).toEqual(['\'self\'', sha('a'), sha('b')])
    expect(policy).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|\*)/)
    for (const d of ['img-src', 'media-src', 'connect-src', 'frame-src']) expect(directives[d]).toContain('https://bucket.s3.eu-west-3.amazonaws.com')
    expect(directives['frame-ancestors']).toEqual(['\'none\''])
    expect(directives['object-src']).toEqual(['\'none\''])
    expect(directives['base-uri']).toEqual(['\'self\''])
    expect(directives['form-action']).toEqual(['\'self\''])
    expect(directives['default-src']).toEqual(['\'self\''])
  })

  it('is built once per set of hashes', () => {
    const policy = pagePolicy(undefined)
    expect(policy([sha('a')])).toBe(policy([sha('a')]))
    expect(policy([])).toMatch(/^default-src 'self'; script-src 'self'; /)
  })
})

describe('static headers', () => {
  it('sends HSTS in production builds only', () => {
    expect(staticHeaders(true)['strict-transport-security']).toMatch(/^max-age=\d{8,}/)
    expect(staticHeaders(false)['strict-transport-security']).toBeUndefined()
    expect(staticHeaders(false)).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' })
  })

  it('lets nothing load or frame an API response', () => {
    expect(apiHeaders['content-security-policy']).toMatch(/default-src 'none'.*frame-ancestors 'none'/)
  })
})
