import { createPage, url } from '@nuxt/test-utils/e2e'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPhoto, tinyPdf } from '../../prisma/seed'
import { appEnv, createChatWithFiles, signUpUser, useServices } from '../helpers/app'
import { open, setupBrowserApp, snapAndCheck } from './helpers'

// Every page and state of the web UI, in light and dark and at phone size: a screenshot of each in
// tests/.output/screenshots/, and no serious or critical axe-core violation anywhere.
await setupBrowserApp()
const services = useServices()

let page: Page
let chatPath: string
/** Every origin the pages asked for anything (the API reference's renderer included). */
const origins = new Set<string>()
beforeAll(async () => {
  // A readable address: these screenshots are the README's.
  const user = await signUpUser(`ada.${Date.now().toString(36)}@example.com`)
  await createChatWithFiles(services, user.id, [], 'Empty chat')
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000)
  const { chat } = await createChatWithFiles(services, user.id, [
    { name: 'Itinerary.pdf', type: 'application/pdf', body: tinyPdf('Itinerary'), createdAt: ago(9 * 24 * 60) },
    { name: 'Hills at dawn.jpg', type: 'image/jpeg', body: await demoPhoto(1200, 800, 0), createdAt: ago(3 * 24 * 60) },
    { name: 'Budget.csv', type: 'text/csv', body: 'item,cost\ntrain,120\n', createdAt: ago(26 * 60) },
    { name: 'Evening by the lake.jpg', type: 'image/jpeg', body: await demoPhoto(1200, 800, 1), createdAt: ago(5 * 60) },
    { name: 'Packing list – Grüße ☕.txt', type: 'text/plain', body: 'Notes\n', createdAt: ago(12) },
  ], 'Holiday photos and plans')
  chatPath = `/chats/${chat.id}`
  page = await createPage()
  page.setDefaultTimeout(15_000)
  page.context().on('request', (request) => {
    const { protocol, origin } = new URL(request.url())
    if (protocol === 'http:' || protocol === 'https:') origins.add(origin)
  })
  await page.context().addCookies([{ name: 'neptun-session', value: user.cookie.split('=').slice(1).join('='), url: url('/') }])
})
afterAll(async () => {
  await page?.close()
})

/** Waits for every image on the page to have loaded (or failed), so screenshots show them. */
async function imagesSettled() {
  await page.waitForFunction(() => [...document.images].every(img => img.complete))
}

describe('accessibility and looks of every page', () => {
  it('sign-in and sign-up pages', async () => {
    const signedOut = await page.context().browser()!.newContext()
    const p = await signedOut.newPage()
    await open(p, '/login')
    expect(await snapAndCheck(p, 'a11y-login', { phone: true })).toEqual({})
    await open(p, '/sign-up')
    expect(await snapAndCheck(p, 'a11y-sign-up', { phone: true })).toEqual({})
    await open(p, '/no/such/page')
    expect(await snapAndCheck(p, 'a11y-not-found-signed-out')).toEqual({})
    await signedOut.close()
  })

  it('the chats page', async () => {
    await open(page, '/')
    await page.getByTestId('chat-row').first().waitFor()
    expect(await snapAndCheck(page, 'a11y-chats', { phone: true })).toEqual({})
    await page.getByRole('button', { name: 'Actions for Empty chat' }).click()
    await page.getByRole('menuitem', { name: 'Rename' }).waitFor()
    expect(await snapAndCheck(page, 'a11y-chats-menu')).toEqual({})
    await page.keyboard.press('Escape')
  })

  it('the files of a chat with photos, and its dialogs', async () => {
    await open(page, chatPath)
    await page.getByTestId('file-row').first().waitFor()
    await imagesSettled()
    expect(await snapAndCheck(page, 'a11y-files', { phone: true })).toEqual({})

    await page.getByRole('button', { name: 'Preview Evening by the lake.jpg' }).click()
    await page.getByRole('dialog').getByRole('img', { name: 'Evening by the lake.jpg' }).waitFor()
    await imagesSettled()
    expect(await snapAndCheck(page, 'a11y-preview-image', { phone: true })).toEqual({})
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })

    await page.getByRole('button', { name: 'More actions for Itinerary.pdf' }).click()
    await page.getByRole('menuitem', { name: 'Delete' }).click()
    await page.getByRole('dialog', { name: 'Delete this file?' }).waitFor()
    expect(await snapAndCheck(page, 'a11y-confirm-delete')).toEqual({})
    await page.keyboard.press('Escape')
  })

  it('the API reference', async () => {
    await open(page, '/api-reference')
    await page.locator('[data-testid="api-reference"][data-state="ready"]').waitFor()
    expect(await snapAndCheck(page, 'a11y-api-reference', { phone: true })).toEqual({})
  })

  it('the not-found pages', async () => {
    await open(page, '/chats/2147483000')
    await page.getByTestId('error-page').waitFor()
    expect(await snapAndCheck(page, 'a11y-chat-not-found', { phone: true })).toEqual({})
  })

  it('asked nothing of any host but the app and the storage', () => {
    expect([...origins].sort()).toEqual([new URL(url('/')).origin, new URL(appEnv().NUXT_S3_ENDPOINT!).origin].sort())
  })
})
