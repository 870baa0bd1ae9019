import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { api, appEnv, fetch, setupApp, signUpUser } from '../../helpers/app'

// The headers the production build sends: a strict Content-Security-Policy on pages whose script hashes are
// exactly Nuxt's inline scripts, the storage's origin where the browser meets it, and the hardening headers on
// everything, API errors included.

await setupApp()
const storageOrigin = new URL(appEnv().NUXT_S3_ENDPOINT!).origin

function directives(policy: string) {
  return Object.fromEntries(policy.split(';').map(d => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]))
}

/** The hashes a browser would compute for the inline scripts that run in `html`. */
function inlineScriptHashes(html: string) {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    .filter(([, attributes]) => !/\bsrc=/.test(attributes!) && !/type="application\/json"/.test(attributes!))
    .map(([, , content]) => `'sha256-${createHash('sha256').update(content!).digest('base64')}'`)
}

function expectHardened(res: Response) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('x-frame-options')).toBe('DENY')
  expect(res.headers.get('referrer-policy')).toBe('same-origin')
  expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin')
  expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=31536000/)
  expect(res.headers.get('x-powered-by')).toBeNull()
}

describe('pages', () => {
  it.each(['/login', '/sign-up', '/api-reference'])('%s: a strict CSP whose script hashes are exactly the page\'s inline scripts', async (path) => {
    const res = await fetch(path, { redirect: 'manual', headers: { accept: 'text/html' } })
    expectHardened(res)
    const html = await res.text()
    const csp = directives(res.headers.get('content-security-policy')!)
    const hashes = inlineScriptHashes(html)
    expect(hashes.length).toBeGreaterThan(0)
    expect(csp['script-src']).toEqual(['\'self\'', ...hashes])
    expect(csp['script-src']!.join(' ')).not.toMatch(/unsafe|\*|data:|http/)
    expect(csp['default-src']).toEqual(['\'self\''])
    expect(csp['object-src']).toEqual(['\'none\''])
    expect(csp['frame-ancestors']).toEqual(['\'none\''])
    expect(csp['base-uri']).toEqual(['\'self\''])
    expect(csp['form-action']).toEqual(['\'self\''])
    for (const d of ['img-src', 'media-src', 'connect-src', 'frame-src']) expect(csp[d], d).toContain(storageOrigin)
  })

  it('signed-in pages (the chats list, an error page) get the same treatment', async () => {
    const user = await signUpUser()
    for (const path of ['/', '/no-such-page']) {
      const res = await fetch(path, { headers: { cookie: user.cookie, accept: 'text/html' } })
      expectHardened(res)
      expect(directives(res.headers.get('content-security-policy')!)['script-src']).toEqual(['\'self\'', ...inlineScriptHashes(await res.text())])
    }
  })

  it('a redirect to the sign-in page carries a policy that allows no inline script', async () => {
    // A page that needs a session, asked for without one.
    const res = await fetch('/chats/1', { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toMatch(/^\/login\b/)
    expectHardened(res)
    expect(directives(res.headers.get('content-security-policy')!)['script-src']).toEqual(['\'self\''])
  })
})

describe('API responses', () => {
  it('are never documents: nosniff, no framing, nothing loads from them, on success and on every kind of error', async () => {
    const user = await signUpUser()
    const responses = [
      await fetch('/api/upload-limits'),
      await api(`/api/users/${user.id}/chats`, user.cookie),
      await fetch(`/api/users/${user.id}/chats`),
      await fetch('/api/no/such/route'),
      await fetch('/api/upload-limits', { method: 'PUT' }),
      await fetch('/api/auth/login', { method: 'POST', headers: { origin: 'http://evil.example' } }),
      await fetch('/_openapi.json'),
    ]
    for (const res of responses) {
      expectHardened(res)
      expect(directives(res.headers.get('content-security-policy')!)).toEqual({
        'default-src': ['\'none\''],
        'frame-ancestors': ['\'none\''],
        'base-uri': ['\'none\''],
        'form-action': ['\'none\''],
      })
    }
  })
})
