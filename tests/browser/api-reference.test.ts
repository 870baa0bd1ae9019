import { randomUUID } from 'node:crypto'
import { createPage, url } from '@nuxt/test-utils/e2e'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthResponse, ChatResponse } from '../../shared/types/api'
import { open, setupBrowserApp, snap } from './helpers'

// /api-reference in Chromium: Swagger UI (swagger-ui-dist, bundled) renders every operation of the generated
// document and nothing internal, shows an operation's statuses and examples, and can call the API with the
// browser's session.
await setupBrowserApp()

type Json = Record<string, any>
let page: Page
let doc: Json

beforeAll(async () => {
  page = await createPage()
  page.setDefaultTimeout(15_000)
  doc = await (await page.request.get(url('/_openapi.json'))).json()
})
afterAll(async () => {
  await page?.close()
})

const operations = () => Object.entries<Json>(doc.paths).flatMap(([path, item]) => Object.entries<Json>(item).map(([method, op]) => ({ path, method, op })))

describe('the API reference page', () => {
  it('renders every operation of the document, grouped by tag, and nothing internal', async () => {
    await open(page, '/api-reference')
    await page.locator('[data-testid="api-reference"][data-state="ready"]').waitFor()
    const shown = await page.locator('.opblock').evaluateAll(blocks => blocks.map(b => [
      b.querySelector('.opblock-summary-method')?.textContent?.trim(),
      b.querySelector('.opblock-summary-path')?.getAttribute('data-path'),
      b.querySelector('.opblock-summary-description')?.textContent?.trim(),
    ].join(' ')))
    const expected = operations().map(({ path, method, op }) => `${method.toUpperCase()} ${path} ${op.summary}`)
    expect(shown.sort()).toEqual(expected.sort())
    expect(await page.locator('.opblock-tag').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Auth/), expect.stringMatching(/^Chats/), expect.stringMatching(/^Files/)]))
    expect(await page.locator('.api-reference').textContent()).not.toMatch(/_auth\/session|_nuxt_icon|\{path\}|Fallback/)
    await snap(page, 'api-reference-01-operations')
  })

  it('shows the contract endpoint\'s parameters, statuses and example', async () => {
    const block = page.locator('#operations-Files-getChatFiles')
    await block.locator('.opblock-summary-control').click()
    await block.locator('.responses-table').first().waitFor()
    const statuses = await block.locator('.responses-table:not(.live-responses-table) > tbody > tr.response > td.response-col_status').allTextContents()
    expect(statuses.map(s => s.trim())).toEqual(['200', '400', '401', '404', '405', '500', '503'])
    const text = await block.textContent()
    expect(text).toContain('Successfully retrieved chat files')
    expect(text).toContain('document.pdf')
    expect(text).toContain('Chat not found')
    expect(await block.locator('td.parameters-col_name').allTextContents()).toEqual([expect.stringMatching(/^user_id/), expect.stringMatching(/^chat_id/)])
    await snap(page, 'api-reference-02-contract-endpoint')
  })

  it('calls the API from the page with the browser\'s session ("Try it out")', async () => {
    const email = `reference-${randomUUID()}@example.com`
    const signUp = await page.request.post(url('/api/auth/sign-up'), { data: { email, password: 'browser password 1' } })
    const { user } = await signUp.json() as AuthResponse
    const { chat } = await (await page.request.post(url(`/api/users/${user.id}/chats`), { data: { name: 'Reference chat' } })).json() as ChatResponse
    const block = page.locator('#operations-Files-getChatFiles')
    await block.locator('.try-out__btn').click()
    await block.locator('input[placeholder="user_id"]').fill(user.id)
    await block.locator('input[placeholder="chat_id"]').fill(String(chat.id))
    await block.locator('.execute').click()
    const live = block.locator('.live-responses-table tbody .response-col_status').first()
    await expect.poll(async () => (await live.textContent())?.trim(), { timeout: 15_000 }).toBe('200')
    expect(await block.locator('.live-responses-table tbody .response-col_description').first().textContent()).toContain('"chatFiles": []')
    await snap(page, 'api-reference-03-try-it-out')
  })
})
