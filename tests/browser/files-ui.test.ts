import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createPage, setup } from '@nuxt/test-utils/e2e'
import type { Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appEnv } from '../helpers/app'
import { outputDir, rootDir } from '../helpers/paths'
import { browserOptions, open, snap } from './helpers'

// The web UI in Debian's Chromium against the production build, real PostgreSQL and S3-compatible storage.
await setup({
  rootDir,
  fixture: false as unknown as string,
  build: false,
  server: true,
  browser: true,
  browserOptions,
  nuxtConfig: { nitro: { output: { dir: outputDir } } },
  env: appEnv({ NUXT_UPLOAD_MAX_BYTES: String(8 * 1024 * 1024), NUXT_UPLOAD_ALLOWED_TYPES: 'text/*,image/*,application/pdf,application/octet-stream' }),
})

const email = `browser-${randomUUID()}@example.com`
const password = 'browser password 1'
const files = [
  { name: 'big-notes.txt', mimeType: 'text/plain', buffer: Buffer.from(randomBytes(3 * 1024 * 1024).toString('base64').slice(0, 4 * 1024 * 1024)) },
  { name: 'Grüße ☕.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% a small pdf\n') },
]

let page: Page
beforeAll(async () => {
  page = await createPage()
  // Fail a step with playwright's own message (what it waited for) rather than a bare test timeout.
  page.setDefaultTimeout(15_000)
})
afterAll(async () => {
  await page?.close()
})

async function signIn(form: '/login' | '/sign-up') {
  await open(page, form)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: form === '/login' ? 'Sign in' : 'Create account' }).click()
  await page.getByRole('heading', { name: 'Your chats' }).waitFor()
}

describe('web UI', () => {
  it('signs up, logs out and logs in again', async () => {
    await signIn('/sign-up')
    await snap(page, '01-signed-up')
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await signIn('/login')
    expect(await page.getByText(email).isVisible()).toBe(true)
  })

  it('creates a chat and shows its empty state', async () => {
    await page.getByLabel('Name of the new chat').fill('Browser chat')
    await page.getByRole('button', { name: 'Create chat' }).click()
    await page.getByRole('link', { name: 'Browser chat' }).click()
    await page.getByTestId('empty-state').waitFor()
    await snap(page, '02-empty-chat')
  })

  it('uploads two files with progress reaching 100 %, listed without a reload', async () => {
    // Record every progress value the page shows while the files upload.
    await page.evaluate(() => {
      const seen: number[] = []
      ;(window as unknown as { progressSeen: number[] }).progressSeen = seen
      new MutationObserver(() => document.querySelectorAll('progress').forEach(p => seen.push(Number((p as HTMLProgressElement).value))))
        .observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] })
    })
    const navigations: string[] = []
    page.on('framenavigated', f => f === page.mainFrame() && navigations.push(f.url()))
    // The page hashes each file with Web Crypto (127.0.0.1 is a secure context) and PUTs it with its SHA-256.
    const checksums: string[] = []
    const recordPut = (request: Request) => {
      if (request.method() === 'PUT' && new URL(request.url()).searchParams.has('X-Amz-Signature')) checksums.push(request.headers()['x-amz-checksum-sha256'] ?? 'none')
    }
    page.on('request', recordPut)
    await page.getByTestId('file-input').setInputFiles(files)
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-row"]').length === 2, undefined, { timeout: 30_000 })
    await snap(page, '03-uploaded')
    const progress = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen)
    expect(Math.max(...progress)).toBe(100)
    expect(await page.locator('[data-testid="upload-item"]').allInnerTexts()).toEqual([expect.stringContaining('Uploaded'), expect.stringContaining('Uploaded')])
    // Listed in the order they completed; both are there.
    const rows = await page.locator('[data-testid="file-row"]').allInnerTexts()
    expect(rows).toEqual(expect.arrayContaining([expect.stringContaining('big-notes.txt'), expect.stringContaining('Grüße ☕.pdf')]))
    expect(navigations).toEqual([])
    page.off('request', recordPut)
    expect(checksums.sort()).toEqual(files.map(f => createHash('sha256').update(f.buffer).digest('base64')).sort())
  })

  it('refuses a file over the limit before any byte moves', async () => {
    await page.getByTestId('file-input').setInputFiles([{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(9 * 1024 * 1024) }])
    await page.getByText('huge.bin: Larger than the 8 MiB limit').waitFor()
    await snap(page, '04-refused')
    expect(await page.locator('[data-testid="file-row"]').count()).toBe(2)
  })

  it('cancels an upload in flight: nothing is listed', async () => {
    // Hold the PUT to storage so there is time to press Cancel.
    await page.route(url => url.searchParams.has('X-Amz-Signature') && url.pathname.includes('/chats/'), async (route) => {
      if (route.request().method() !== 'PUT') return route.continue()
      await new Promise(resolve => setTimeout(resolve, 3000))
      await route.continue().catch(() => {})
    })
    await page.getByTestId('file-input').setInputFiles([{ name: 'slow.txt', mimeType: 'text/plain', buffer: Buffer.from('slow') }])
    await page.getByRole('button', { name: 'Cancel slow.txt' }).click()
    await page.getByText('Cancelled').waitFor()
    await page.unrouteAll({ behavior: 'ignoreErrors' })
    expect(await page.locator('[data-testid="file-row"]').count()).toBe(2)
  })

  it('looks right in dark mode and on a phone', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    await snap(page, '04b-dark')
    await page.setViewportSize({ width: 390, height: 844 })
    await snap(page, '04c-phone-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.setViewportSize({ width: 1280, height: 720 })
    // The Download buttons hide on narrow screens; the file names stay links.
    expect(await page.getByRole('link', { name: 'big-notes.txt', exact: true }).count()).toBe(1)
  })

  it('downloads a file through its stable link, byte for byte', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download big-notes.txt' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('big-notes.txt')
    expect((await readFile((await download.path())!)).equals(files[0]!.buffer)).toBe(true)
  })

  it('deletes a file after confirmation', async () => {
    await page.getByRole('button', { name: 'Delete big-notes.txt' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-row"]').length === 1)
    await snap(page, '05-file-deleted')
  })

  it('shows not-found for someone else\'s chat', async () => {
    const chatUrl = page.url()
    const other = await page.context().browser()!.newContext()
    const otherPage = await other.newPage()
    await open(otherPage, '/sign-up')
    await otherPage.getByLabel('Email').fill(`other-${randomUUID()}@example.com`)
    await otherPage.getByLabel('Password').fill(password)
    await otherPage.getByRole('button', { name: 'Create account' }).click()
    await otherPage.getByRole('heading', { name: 'Your chats' }).waitFor()
    await open(otherPage, chatUrl)
    await otherPage.getByTestId('not-found').waitFor()
    expect(await otherPage.getByText('Big-notes').count()).toBe(0)
    await snap(otherPage, '06-not-found')
    await other.close()
  })

  it('renames and deletes the chat, then logs out', async () => {
    await page.getByRole('link', { name: '← All chats' }).click()
    await page.getByRole('button', { name: 'Rename Browser chat' }).click()
    await page.getByLabel('New name for Browser chat').fill('Renamed chat')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('link', { name: 'Renamed chat' }).waitFor()
    await page.getByRole('button', { name: 'Delete Renamed chat' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('link', { name: 'Renamed chat' }).waitFor({ state: 'detached' })
    await snap(page, '07-chat-deleted')
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
  })
})
