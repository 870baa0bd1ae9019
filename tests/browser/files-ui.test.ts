import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createPage, url } from '@nuxt/test-utils/e2e'
import type { Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPhoto } from '../../prisma/seed'
import { appEnv } from '../helpers/app'
import { open, setupBrowserApp, snap } from './helpers'

// The web UI in Debian's Chromium against the production build, real PostgreSQL and S3-compatible storage.
await setupBrowserApp({ NUXT_UPLOAD_MAX_BYTES: String(8 * 1024 * 1024), NUXT_UPLOAD_ALLOWED_TYPES: 'text/*,image/*,application/pdf,application/octet-stream' })

const email = `browser-${randomUUID()}@example.com`
const password = 'browser password 1'
let photo: Buffer
const files = [
  { name: 'big-notes.txt', mimeType: 'text/plain', buffer: Buffer.from(randomBytes(3 * 1024 * 1024).toString('base64').slice(0, 4 * 1024 * 1024)) },
  { name: 'Grüße ☕.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% a small pdf\n') },
]

let page: Page
/** Every origin a page of this test asked for anything. */
const origins = new Set<string>()
beforeAll(async () => {
  photo = await demoPhoto(1200, 800, 0)
  page = await createPage()
  page.context().on('request', (request) => {
    const { protocol, origin } = new URL(request.url())
    if (protocol === 'http:' || protocol === 'https:') origins.add(origin)
  })
  // Fail a step with playwright's own message (what it waited for) rather than a bare test timeout.
  page.setDefaultTimeout(15_000)
})
afterAll(async () => {
  await page?.close()
})

const rows = () => page.getByTestId('file-row')
const rowNames = () => page.getByTestId('file-name').allInnerTexts()

async function signIn(form: '/login' | '/sign-up') {
  await open(page, form)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: form === '/login' ? 'Sign in' : 'Create account' }).click()
  await page.getByRole('heading', { name: 'Your chats' }).waitFor()
}

async function logOut() {
  await page.getByTestId('account-menu').click()
  await page.getByRole('menuitem', { name: 'Log out' }).click()
  await page.getByRole('heading', { name: 'Sign in' }).waitFor()
}

/** The text of the toasts and of the live regions that announce them. */
async function announced(text: string) {
  await page.locator('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"]').filter({ hasText: text }).first().waitFor({ state: 'attached' })
}

const headerHeight = () => page.getByTestId('app-header').evaluate(el => el.getBoundingClientRect().height)

describe('web UI', () => {
  it('signs up, logs out and logs in again; the header keeps its height and its one line', async () => {
    await open(page, '/login')
    const signedOutHeight = await headerHeight()
    await signIn('/sign-up')
    await snap(page, '01-signed-up')
    expect(await headerHeight()).toBe(signedOutHeight)
    await page.setViewportSize({ width: 390, height: 844 })
    expect(await headerHeight()).toBe(signedOutHeight)
    await page.setViewportSize({ width: 1280, height: 720 })
    await logOut()
    expect(await headerHeight()).toBe(signedOutHeight)
    await signIn('/login')
    await page.getByTestId('account-menu').click()
    await page.getByRole('menuitem', { name: email }).or(page.getByText(email, { exact: true })).first().waitFor()
    await page.keyboard.press('Escape')
  })

  it('refuses a chat name of spaces alone in words, then creates the chat', async () => {
    await page.getByLabel('Name of the new chat').fill('    ')
    await page.getByRole('button', { name: 'Create chat' }).click()
    await page.getByText('Give the chat a name: spaces alone do not count.').waitFor()
    expect(await page.getByText('must not be empty').count()).toBe(0)
    await snap(page, '02-chat-name-refused')
    await page.getByLabel('Name of the new chat').fill('Browser chat')
    await page.keyboard.press('Enter')
    await announced('Chat “Browser chat” created')
    await page.getByRole('link', { name: 'Browser chat' }).waitFor()
    expect(await page.getByTestId('chat-row').filter({ hasText: 'Browser chat' }).innerText()).toContain('0 files')
  })

  it('shows the empty state with desktop wording, and no upload queue', async () => {
    await page.getByRole('link', { name: 'Browser chat' }).click()
    await page.getByTestId('empty-state').waitFor()
    expect(await page.getByTestId('upload-hint').innerText()).toContain('Drop files anywhere on this page')
    expect(await page.getByTestId('upload-queue').count()).toBe(0)
    await snap(page, '03-empty-chat')
  })

  it('uploads three files with progress, speed and time left; finished ones leave the queue for the list', async () => {
    // Storage at about 4 MiB/s, so the progress has time to show; every text the queue shows is recorded.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 5, downloadThroughput: -1, uploadThroughput: 4 * 1024 * 1024 })
    await page.evaluate(() => {
      const seen = { details: [] as string[], progress: [] as number[], emptyWhileUploading: false }
      ;(window as unknown as { seen: typeof seen }).seen = seen
      new MutationObserver(() => {
        document.querySelectorAll('[data-testid="upload-detail"]').forEach(d => seen.details.push(d.textContent!.trim()))
        document.querySelectorAll('[data-testid="upload-progress"]').forEach(p => seen.progress.push(Number(p.getAttribute('aria-valuenow'))))
        if (document.querySelector('[data-testid="upload-queue"]') && document.querySelector('[data-testid="empty-state"]')) seen.emptyWhileUploading = true
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
    })
    const navigations: string[] = []
    page.on('framenavigated', f => f === page.mainFrame() && navigations.push(f.url()))
    // The page hashes each file with Web Crypto (127.0.0.1 is a secure context) and PUTs it with its SHA-256.
    const checksums: string[] = []
    const recordPut = (request: Request) => {
      if (request.method() === 'PUT' && new URL(request.url()).searchParams.has('X-Amz-Signature')) checksums.push(request.headers()['x-amz-checksum-sha256'] ?? 'none')
    }
    page.on('request', recordPut)
    await page.getByTestId('file-input').setInputFiles([...files, { name: 'Hills at dawn.jpg', mimeType: 'image/jpeg', buffer: photo }])
    await page.getByTestId('upload-item').first().waitFor()
    await snap(page, '04-uploading')
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-row"]').length === 3, undefined, { timeout: 30_000 })
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
    await cdp.detach()

    // The queue empties as files arrive in the list; nothing is shown twice, and the empty state never shows meanwhile.
    await page.getByTestId('upload-queue').waitFor({ state: 'detached' })
    expect((await rowNames()).sort()).toEqual(['Grüße ☕.pdf', 'Hills at dawn.jpg', 'big-notes.txt'])
    const seen = await page.evaluate(() => (window as unknown as { seen: { details: string[], progress: number[], emptyWhileUploading: boolean } }).seen)
    expect(seen.emptyWhileUploading).toBe(false)
    expect(Math.max(...seen.progress)).toBeGreaterThanOrEqual(99)
    const uploading = seen.details.filter(d => d.includes(' of '))
    for (const detail of uploading) expect(detail).toMatch(/^[\d.]+ (B|KiB|MiB) of [\d.]+ (B|KiB|MiB) · \d{1,3} %( · [\d.]+ (B|KiB|MiB)\/s)?( · (under a second|\d+ s|\d+ min) left)?$/)
    expect(uploading.some(d => /\/s · .* left$/.test(d))).toBe(true)
    expect(navigations).toEqual([])
    page.off('request', recordPut)
    expect(checksums.sort()).toEqual([...files.map(f => f.buffer), photo].map(b => createHash('sha256').update(b).digest('base64')).sort())
    await announced('Uploaded 3 files')
    expect(await page.getByTestId('chat-summary').innerText()).toMatch(/^3 files · \d/)

    // The photo has a small thumbnail, loaded lazily; the others their type's icon.
    const thumb = page.getByTestId('file-row').filter({ hasText: 'Hills at dawn.jpg' }).getByTestId('thumbnail')
    await page.waitForFunction(() => [...document.images].every(img => img.complete))
    expect(await thumb.evaluate((img: HTMLImageElement) => [img.loading, img.naturalWidth, img.naturalHeight, img.getAttribute('alt')])).toEqual(['lazy', 96, 96, ''])
    expect(await page.getByTestId('thumbnail').count()).toBe(1)
    await snap(page, '05-uploaded')
  })

  it('refuses a file over the limit in plain words, before any byte moves; a refusal cannot be retried', async () => {
    const requests: string[] = []
    const record = (r: { url: () => string }) => requests.push(r.url())
    page.on('request', record)
    await page.getByTestId('file-input').setInputFiles([{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(9 * 1024 * 1024) }])
    await page.getByTestId('upload-error').filter({ hasText: 'It is 9 MiB; files can be at most 8 MiB.' }).waitFor()
    await announced('“huge.bin” was not uploaded')
    page.off('request', record)
    expect(requests.filter(u => u.includes('/uploads') || u.includes('X-Amz'))).toEqual([])
    expect(await page.getByRole('button', { name: 'Retry huge.bin' }).count()).toBe(0)
    await snap(page, '06-refused')
    await page.getByRole('button', { name: 'Dismiss huge.bin' }).click()
    await page.getByTestId('upload-queue').waitFor({ state: 'detached' })
    expect(await rows().count()).toBe(3)
  })

  it('retries a failed upload, and cancels one in flight', async () => {
    // The first PUT to storage fails as if the connection dropped; the retry goes through.
    let failures = 1
    await page.route(url => url.searchParams.has('X-Amz-Signature') && url.pathname.includes('/chats/'), async (route) => {
      if (route.request().method() === 'PUT' && failures-- > 0) return route.abort('connectionreset')
      return route.continue()
    })
    await page.getByTestId('file-input').setInputFiles([{ name: 'flaky.txt', mimeType: 'text/plain', buffer: Buffer.from('second time lucky') }])
    await page.getByTestId('upload-error').filter({ hasText: 'The connection to storage was lost. Check your connection and retry.' }).waitFor()
    await snap(page, '07-upload-failed')
    await page.getByRole('button', { name: 'Retry flaky.txt' }).click()
    await page.getByRole('button', { name: 'Preview flaky.txt' }).waitFor()
    await announced('Uploaded “flaky.txt”')
    await page.getByTestId('upload-queue').waitFor({ state: 'detached' })
    await page.unrouteAll({ behavior: 'ignoreErrors' })

    // Hold the PUT so there is time to press Cancel.
    await page.route(url => url.searchParams.has('X-Amz-Signature') && url.pathname.includes('/chats/'), async (route) => {
      if (route.request().method() !== 'PUT') return route.continue()
      await new Promise(resolve => setTimeout(resolve, 3000))
      await route.continue().catch(() => {})
    })
    await page.getByTestId('file-input').setInputFiles([{ name: 'slow.txt', mimeType: 'text/plain', buffer: Buffer.from('slow') }])
    await page.getByRole('button', { name: 'Cancel slow.txt' }).click()
    await page.getByTestId('upload-item').filter({ hasText: 'Cancelled' }).waitFor()
    await page.unrouteAll({ behavior: 'ignoreErrors' })
    await page.getByRole('button', { name: 'Dismiss slow.txt' }).click()
    expect(await rows().count()).toBe(4)
  })

  it('takes files pasted from the clipboard and dropped anywhere on the page', async () => {
    // A screenshot in the clipboard, as a browser hands it over on Ctrl+V.
    await page.evaluate(async () => {
      const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 })
      canvas.getContext('2d')!.fillRect(0, 0, 32, 24)
      const blob = await new Promise<Blob>(resolve => canvas.toBlob(b => resolve(b!), 'image/png'))
      const data = new DataTransfer()
      data.items.add(new File([blob], 'image.png', { type: 'image/png' }))
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }))
    })
    await page.getByRole('button', { name: /^Preview Pasted image \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/ }).waitFor()

    // Dragged over the page: the whole window shows it will take the files.
    await page.evaluate(() => {
      const data = new DataTransfer()
      data.items.add(new File(['dropped on the page\n'], 'dropped.txt', { type: 'text/plain' }))
      ;(window as unknown as { dropData: DataTransfer }).dropData = data
      document.querySelector('h1')!.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }))
    })
    await page.getByTestId('drop-overlay').waitFor()
    await snap(page, '08-drop-overlay')
    await page.evaluate(() => {
      const data = (window as unknown as { dropData: DataTransfer }).dropData
      document.querySelector('footer, main')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
    })
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Preview dropped.txt' }).waitFor()
    expect(await rows().count()).toBe(6)
  })

  it('sorts by name, type and date, and filters by type and name', async () => {
    const choose = async (testId: string, option: string) => {
      await page.getByTestId(testId).click()
      await page.getByRole('option', { name: option, exact: true }).click()
    }
    await choose('sort', 'Name, A to Z')
    const names = await rowNames()
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true })))
    expect(names[0]).toBe('big-notes.txt')
    await choose('sort', 'Oldest first')
    expect((await rowNames()).slice(0, 1)).toEqual([expect.stringMatching(/^(big-notes\.txt|Grüße ☕\.pdf|Hills at dawn\.jpg)$/)])
    expect((await rowNames()).at(-1)).toBe('dropped.txt')
    await choose('sort', 'Type')
    expect((await rowNames())[0]).toMatch(/\.(jpg|png)$/)
    await choose('type-filter', 'Image')
    expect((await rowNames()).sort()).toEqual(['Hills at dawn.jpg', expect.stringMatching(/^Pasted image/)])
    await page.getByLabel('Filter files by name').fill('hills')
    expect(await rowNames()).toEqual(['Hills at dawn.jpg'])
    await snap(page, '09-filtered')
    await page.getByLabel('Filter files by name').fill('no such file')
    await page.getByText('No file matches this filter.').waitFor()
    await page.getByLabel('Filter files by name').fill('')
    await choose('type-filter', 'All types')
    await choose('sort', 'Newest first')
    expect(await rows().count()).toBe(6)
  })

  it('previews files in a dialog: ← and → move, focus stays inside, Escape gives it back', async () => {
    const opener = page.getByRole('button', { name: 'Preview Hills at dawn.jpg' })
    await opener.click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('img', { name: 'Hills at dawn.jpg' }).waitFor()
    await page.waitForFunction(() => [...document.images].every(img => img.complete))
    await snap(page, '10-preview-image')
    const order = await rowNames()
    const at = order.indexOf('Hills at dawn.jpg')
    await page.keyboard.press('ArrowRight')
    await dialog.getByRole('heading', { name: order[(at + 1) % order.length] }).waitFor()
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowLeft')
    await dialog.getByRole('heading', { name: order[(at - 1 + order.length) % order.length] }).waitFor()
    await page.keyboard.press('ArrowRight')
    await dialog.getByRole('heading', { name: 'Hills at dawn.jpg' }).waitFor()
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true)
    }
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await opener.evaluate(el => el === document.activeElement)).toBe(true)

    // Text and PDFs show in place too.
    await page.getByRole('button', { name: 'Preview big-notes.txt' }).click()
    expect(await page.getByTestId('preview').getAttribute('data-kind')).toBe('text')
    expect(await dialog.locator('iframe').getAttribute('src')).toMatch(/\/files\/\d+\/download$/)
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Preview Grüße ☕.pdf' }).click()
    expect(await page.getByTestId('preview').getAttribute('data-kind')).toBe('pdf')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  })

  it('downloads a file through its stable link, byte for byte, from the list and from the preview', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download big-notes.txt' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('big-notes.txt')
    expect((await readFile((await download.path())!)).equals(files[0]!.buffer)).toBe(true)

    await page.getByRole('button', { name: 'Preview Hills at dawn.jpg' }).click()
    const [fromPreview] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('dialog').getByRole('link', { name: 'Download' }).click(),
    ])
    expect(fromPreview.suggestedFilename()).toBe('Hills at dawn.jpg')
    expect((await readFile((await fromPreview.path())!)).equals(photo)).toBe(true)
  })

  it('deletes from the preview after confirmation; the preview moves on', async () => {
    const dialog = page.getByRole('dialog', { name: 'Hills at dawn.jpg' })
    await dialog.getByRole('button', { name: 'Delete' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete this file?' })
    await confirm.getByText('“Hills at dawn.jpg” will be removed').waitFor()
    // Cancel has the focus: Enter alone never deletes.
    expect(await confirm.getByRole('button', { name: 'Cancel' }).evaluate(el => el === document.activeElement)).toBe(true)
    await snap(page, '11-confirm-delete')
    await page.getByTestId('confirm-button').click()
    await announced('Deleted “Hills at dawn.jpg”')
    // The confirmation is gone (its closing animation too); the preview shows another file.
    await confirm.waitFor({ state: 'detached' })
    await page.getByRole('dialog').filter({ hasNot: page.getByText('Hills at dawn.jpg', { exact: true }) }).waitFor()
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    expect(await rowNames()).not.toContain('Hills at dawn.jpg')
    expect(await rows().count()).toBe(5)
  })

  it('deletes from a row\'s menu, with the keyboard alone', async () => {
    const menuButton = page.getByRole('button', { name: 'More actions for dropped.txt' })
    await menuButton.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('menuitem', { name: 'Preview' }).waitFor()
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await page.getByRole('dialog', { name: 'Delete this file?' }).waitFor()
    // Cancel has the focus; the next stop is Delete.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Delete')
    await page.keyboard.press('Enter')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-row"]').length === 4)
    expect(await rowNames()).not.toContain('dropped.txt')
    // Focus lands on a row again, not on the page's body.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('file-name')
  })

  it('fits a phone: one-line header, download at hand, actions in a menu, touch wording', async () => {
    const phone = await page.context().browser()!.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, storageState: await page.context().storageState() })
    const p = await phone.newPage()
    await open(p, page.url())
    await p.getByTestId('file-row').first().waitFor()
    expect(await p.getByTestId('app-header').evaluate(el => el.getBoundingClientRect().height)).toBe(56)
    expect(await p.getByTestId('upload-hint').innerText()).not.toMatch(/drop/i)
    for (const row of await p.getByTestId('file-row').all()) {
      const download = row.getByRole('link', { name: /^Download / })
      expect(await download.isVisible()).toBe(true)
      const box = (await download.boundingBox())!
      expect(box.x + box.width).toBeLessThanOrEqual(390)
    }
    await snap(p, '12-phone')
    await p.getByRole('button', { name: 'More actions for big-notes.txt' }).tap()
    await p.getByRole('menuitem', { name: 'Delete' }).waitFor()
    await snap(p, '13-phone-row-menu')
    await p.keyboard.press('Escape')
    await p.emulateMedia({ colorScheme: 'dark' })
    await snap(p, '14-phone-dark')
    await phone.close()
  })

  it('answers a real 404 page for someone else\'s chat and for an unknown path', async () => {
    const chatUrl = page.url()
    const other = await page.context().browser()!.newContext()
    const otherPage = await other.newPage()
    await open(otherPage, '/sign-up')
    await otherPage.getByLabel('Email').fill(`other-${randomUUID()}@example.com`)
    await otherPage.getByLabel('Password').fill(password)
    await otherPage.getByRole('button', { name: 'Create account' }).click()
    await otherPage.getByRole('heading', { name: 'Your chats' }).waitFor()
    const res = await otherPage.goto(chatUrl)
    expect(res!.status()).toBe(404)
    await otherPage.getByTestId('error-page').waitFor()
    expect(await otherPage.getByRole('heading', { name: 'Chat not found' }).count()).toBe(1)
    expect(await otherPage.getByText('big-notes').count()).toBe(0)
    await snap(otherPage, '15-chat-not-found')
    const unknown = await otherPage.goto(new URL('/no/such/page', chatUrl).toString())
    expect(unknown!.status()).toBe(404)
    await otherPage.getByRole('heading', { name: 'Page not found' }).waitFor()
    await snap(otherPage, '16-page-not-found')
    await other.close()
  })

  it('renames with the keyboard: the input takes focus, Escape cancels, Enter saves', async () => {
    await page.getByRole('link', { name: 'All chats' }).click()
    const row = page.getByTestId('chat-row').filter({ hasText: 'Browser chat' })
    expect(await row.innerText()).toMatch(/4 files · active (just now|\d+ minutes? ago)/)
    const actions = page.getByRole('button', { name: 'Actions for Browser chat' })
    await actions.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('menuitem', { name: 'Rename' }).waitFor()
    await page.keyboard.press('Enter')
    const input = page.getByLabel('New name for Browser chat')
    await page.waitForFunction(() => document.activeElement?.id.startsWith('rename-'))
    expect(await input.evaluate(el => el === document.activeElement)).toBe(true)
    await page.keyboard.type('Typed then abandoned')
    await page.keyboard.press('Escape')
    await page.getByRole('link', { name: 'Browser chat' }).waitFor()
    await page.waitForFunction(() => document.activeElement?.id.startsWith('chat-actions-'))

    await page.keyboard.press('Enter')
    await page.getByRole('menuitem', { name: 'Rename' }).waitFor()
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.activeElement?.id.startsWith('rename-'))
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('   ')
    await page.keyboard.press('Enter')
    await page.getByText('Give the chat a name: spaces alone do not count.').waitFor()
    await snap(page, '17-rename-refused')
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('Renamed chat')
    await page.keyboard.press('Enter')
    await announced('Renamed to “Renamed chat”')
    await page.getByRole('link', { name: 'Renamed chat' }).waitFor()
  })

  it('searches chats by name, deletes the chat, then logs out', async () => {
    await page.getByLabel('Name of the new chat').fill('Another chat')
    await page.getByRole('button', { name: 'Create chat' }).click()
    await page.getByRole('link', { name: 'Another chat' }).waitFor()
    await page.getByLabel('Search chats by name').fill('renamed')
    expect(await page.getByTestId('chat-link').allInnerTexts()).toEqual(['Renamed chat'])
    await snap(page, '18-chat-search')
    await page.getByLabel('Search chats by name').fill('')
    await page.getByRole('button', { name: 'Actions for Renamed chat' }).click()
    await page.getByRole('menuitem', { name: 'Delete' }).click()
    await page.getByRole('dialog').getByText('“Renamed chat” and its 4 files will be deleted').waitFor()
    await page.getByTestId('confirm-button').click()
    await page.getByRole('link', { name: 'Renamed chat' }).waitFor({ state: 'detached' })
    await announced('Chat “Renamed chat” deleted')
    await snap(page, '19-chat-deleted')
    await logOut()
  })

  it('asked nothing of any host but the app and the storage: no fonts, icons or scripts from elsewhere', () => {
    const storage = new URL(appEnv().NUXT_S3_ENDPOINT!).origin
    expect([...origins].sort()).toEqual([new URL(url('/')).origin, storage].sort())
  })
})
