import { randomUUID } from 'node:crypto'
import { createPage, url } from '@nuxt/test-utils/e2e'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthResponse, GetChatFilesResponse } from '../../shared/types/api'
import { setupBrowserApp, snap } from './helpers'

// The pages work under their Content-Security-Policy in Chromium, and nothing is refused along the way: no
// `securitypolicyviolation` event and no CSP message in the console, from sign-in to an upload, a preview of a
// stored file and the API reference. Selectors are generic (input types, not labels): the UI may change.
await setupBrowserApp()

const email = `csp-${randomUUID()}@example.com`
const password = 'browser password 1'
// A 1×1 PNG, to show an image from storage the way a preview would.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

let page: Page
const violations: string[] = []

beforeAll(async () => {
  page = await createPage()
  page.setDefaultTimeout(15_000)
  // Before any page script: record every violation the browser reports (init scripts are not subject to the CSP).
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { cspViolations: string[] }).cspViolations = seen
    document.addEventListener('securitypolicyviolation', e => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`))
  })
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`console: ${message.text()}`)
  })
})
afterAll(async () => {
  await page?.close()
})

async function collect() {
  const seen = await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []).catch(() => [])
  violations.push(...seen)
  await page.evaluate(() => ((window as unknown as { cspViolations: string[] }).cspViolations.length = 0)).catch(() => {})
}

/** Opens a page, checks that it came with the strict policy, and waits for Vue to hydrate it. */
async function visit(path: string) {
  await collect() // each document has its own recorder: keep what this one saw before leaving it
  const response = await page.goto(url(path))
  const csp = response?.headers()['content-security-policy'] ?? ''
  expect(csp).toMatch(/script-src 'self' 'sha256-/)
  expect(csp).not.toMatch(/script-src[^;]*unsafe/)
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' })
}

/** A same-origin API call from the page itself, as the app's own code makes them. */
function apiFromPage<T>(path: string, init: { method?: string, body?: unknown } = {}) {
  return page.evaluate(async ({ path, init }) => {
    const res = await fetch(path, { method: init.method ?? 'GET', headers: init.body ? { 'content-type': 'application/json' } : {}, body: init.body ? JSON.stringify(init.body) : undefined })
    return { status: res.status, body: await res.json().catch(() => null) }
  }, { path, init }) as Promise<{ status: number, body: T }>
}

describe('pages under the Content-Security-Policy', () => {
  let userId = ''
  let chatId = 0

  it('the policy is enforced, and a violation would be seen (an injected inline script is refused and reported)', async () => {
    await visit('/login')
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script')
      script.textContent = 'window.injected = true'
      document.body.append(script)
      await new Promise(resolve => setTimeout(resolve, 100))
      return (window as unknown as { injected?: boolean }).injected === true
    })
    expect(ran).toBe(false)
    const seen = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.splice(0))
    expect(seen.join('\n')).toMatch(/script-src/)
    violations.length = 0
  })

  it('signs up through the API and in through the login form', async () => {
    await visit('/login')
    const signUp = await apiFromPage<AuthResponse>('/api/auth/sign-up', { method: 'POST', body: { email, password } })
    expect(signUp.status).toBe(201)
    userId = signUp.body.user.id
    await apiFromPage('/api/auth/logout', { method: 'POST' })
    await visit('/login')
    await page.locator('input[type="email"]').fill(email)
    await page.locator('input[type="password"]').fill(password)
    await page.locator('form button[type="submit"]').click()
    await page.waitForURL(u => new URL(u).pathname === '/')
    await snap(page, 'csp-01-chats')
    await collect()
  })

  it('the chats page, and a chat made from it', async () => {
    await visit('/')
    const created = await apiFromPage<{ chat: { id: number } }>(`/api/users/${userId}/chats`, { method: 'POST', body: { name: 'CSP chat' } })
    expect(created.status).toBe(201)
    chatId = created.body.chat.id
    await visit('/')
    await page.getByText('CSP chat').first().waitFor()
    await collect()
  })

  it('a chat\'s files page with an upload straight to storage, then the stored image and PDF shown from storage', async () => {
    await visit(`/chats/${chatId}`)
    await page.locator('input[type="file"]').first().setInputFiles([
      { name: 'pixel.png', mimeType: 'image/png', buffer: png },
      { name: 'doc.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
    ])
    await expect.poll(async () => (await apiFromPage<GetChatFilesResponse>(`/api/users/${userId}/chats/${chatId}/files`)).body.chatFiles.length, { timeout: 30_000 }).toBe(2)
    await snap(page, 'csp-02-uploaded')
    const { body } = await apiFromPage<GetChatFilesResponse>(`/api/users/${userId}/chats/${chatId}/files`)
    const image = body.chatFiles.find(f => f.name === 'pixel.png')!
    const pdf = body.chatFiles.find(f => f.name === 'doc.pdf')!
    // As a preview would: the image and the PDF from the storage's origin, in this page.
    const loaded = await page.evaluate(async ({ image, pdf }) => {
      const img = document.createElement('img')
      const shown = new Promise<boolean>((resolve) => {
        img.onload = () => resolve(true)
        img.onerror = () => resolve(false)
      })
      img.src = image
      document.body.append(img)
      const frame = document.createElement('iframe')
      frame.src = pdf
      document.body.append(frame)
      const framed = await new Promise<boolean>(resolve => frame.addEventListener('load', () => resolve(true)))
      return { image: await shown, frame: framed }
    }, { image: image.url, pdf: pdf.url })
    expect(loaded).toEqual({ image: true, frame: true })
    await collect()
  })

  it('the API reference', async () => {
    await visit('/api-reference')
    await page.getByText('/api/users/{user_id}/chats/{chat_id}/files').first().waitFor()
    await snap(page, 'csp-03-api-reference')
    await collect()
  })

  it('reported no violation on any of them', async () => {
    await collect()
    expect(violations).toEqual([])
  })
})
