import { describe, expect, it } from 'vitest'
import { fetch, setupApp } from '../helpers/app'

await setupApp()

// The page is rendered in the browser by Swagger UI (tests/browser/ checks what it shows); here: that it is
// served without a session, points at the document, and brings nothing from another host.
describe('page /api-reference', () => {
  it('is public and points at the OpenAPI document', async () => {
    const res = await fetch('/api-reference', { redirect: 'manual' })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('API reference')
    expect(html).toMatch(/<a[^>]+href="\/_openapi.json"/)
    expect(html).toContain('data-testid="api-reference"')
  })

  it('loads nothing from other hosts, so it works offline', async () => {
    const html = await fetch('/api-reference').then(r => r.text())
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)="(https?:)?\/\//)
  })

  it('is linked from the header', async () => {
    const html = await fetch('/login').then(r => r.text())
    expect(html).toMatch(/<a[^>]+href="\/api-reference"/)
  })
})
