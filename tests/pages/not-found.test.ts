import { describe, expect, it } from 'vitest'
import { fetch, setupApp, signUpUser } from '../helpers/app'

await setupApp()

describe('unknown pages', () => {
  it('answer HTTP 404 with the app\'s styled page, signed in or not, and <html lang="en">', async () => {
    const user = await signUpUser()
    for (const cookie of ['', user.cookie]) {
      const res = await fetch('/no/such/page', { headers: { cookie, accept: 'text/html' }, redirect: 'manual' })
      expect(res.status).toBe(404)
      const html = await res.text()
      expect(html).toMatch(/<html[^>]* lang="en"/)
      expect(html).toContain('data-testid="error-page"')
      expect(html).toContain('Page not found')
      expect(html).toContain('data-testid="app-header"')
    }
    // curl gets the same status (and Nuxt's JSON error body).
    expect((await fetch('/no/such/page', { headers: { 'user-agent': 'curl/8.5.0' }, redirect: 'manual' })).status).toBe(404)
  })

  it('every page says its language', async () => {
    const user = await signUpUser()
    for (const path of ['/login', '/sign-up', '/api-reference', '/']) {
      const html = await fetch(path, { headers: { cookie: user.cookie } }).then(r => r.text())
      expect(html, path).toMatch(/<html[^>]* lang="en"/)
    }
  })
})
