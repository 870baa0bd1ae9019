import { writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createPage, url } from '@nuxt/test-utils/e2e'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPhoto } from '../../prisma/seed'
import { fetch, signUpUser, useServices } from '../helpers/app'
import { open, screenshotDir, setupBrowserApp, snap } from './helpers'

// What a chat of 100 phone photos (12 megapixels, 2–4 MB each) costs the browser: shown with the small
// thumbnails the server makes, and, for comparison, with the originals in the same lazy <img> elements.
// The numbers are written to tests/.output/photos-measurement.json and printed; the README quotes them.
await setupBrowserApp()
const services = useServices()
const PHOTOS = 100

let page: Page
let chatPath = ''
let photoBytes = 0
beforeAll(async () => {
  const user = await signUpUser()
  const chat = await services.prisma.chatConversation.create({ data: { userId: user.id, name: '100 photos' } })
  chatPath = `/chats/${chat.id}`
  // Six different 4000×3000 photos with sensor-like grain (2–4 MB as JPEG), each uploaded many times over.
  const variants = await Promise.all([8, 10, 12, 14, 16, 18].map((grain, i) => demoPhoto(4000, 3000, i, grain)))
  for (let start = 0; start < PHOTOS; start += 10) {
    const form = new FormData()
    for (let i = start; i < start + 10; i++) {
      const body = variants[i % variants.length]!
      photoBytes += body.length
      form.append('file', new Blob([new Uint8Array(body)], { type: 'image/jpeg' }), `IMG_${String(4000 + i)}.jpg`)
    }
    // Through the same route curl uses: thumbnails are made right after the upload is confirmed.
    const res = await fetch(`/api/users/${user.id}/chats/${chat.id}/files`, { method: 'POST', headers: { cookie: user.cookie }, body: form })
    expect(res.status).toBe(201)
  }
  const ready = () => services.prisma.chatConversationFile.count({ where: { chatConversationId: chat.id, thumbnail: 'ready' } })
  const until = Date.now() + 240_000
  while (await ready() < PHOTOS && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 500))
  expect(await ready()).toBe(PHOTOS)
  page = await createPage()
  await page.context().addCookies([{ name: 'neptun-session', value: user.cookie.split('=').slice(1).join('='), url: url('/') }])
}, 600_000)
afterAll(async () => {
  await page?.close()
})

interface Measurement {
  imagesLoaded: number
  /** Bytes on the wire for images (encoded, headers included), after scrolling through the whole list. */
  imageBytes: number
  /** Width × height × 4 of every image loaded: the pixels the browser would hold to keep them all decoded. */
  decodedBytes: number
  /** From the start of navigation until the images in the first screen are loaded and decoded (over loopback: bytes cost no time here, see firstScreenBytes). */
  firstScreenMs: number
  /** Image bytes loaded by then (lazy images near the first screen included). */
  firstScreenBytes: number
  /** Until every image of the list is loaded, scrolling to the end a screen at a time (each shown). */
  allMs: number
  /** Resident memory of the browser's renderer and GPU processes, after the list, less before it. */
  browserRssGrowthBytes: number | null
}

/** Resident memory of this browser's renderer and GPU processes (their pids from the DevTools protocol). */
async function browserRss(browser: Browser): Promise<number | null> {
  try {
    const cdp = await browser.newBrowserCDPSession()
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo') as { processInfo: { type: string, id: number }[] }
    await cdp.detach()
    let total = 0
    for (const p of processInfo.filter(p => p.type === 'renderer' || p.type === 'GPU')) {
      const status = await readFile(`/proc/${p.id}/status`, 'utf8').catch(() => '')
      total += Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024
    }
    return total
  }
  catch {
    return null
  }
}

async function measure(mode: 'thumbnails' | 'originals'): Promise<Measurement> {
  const browser = page.context().browser()!
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState: await page.context().storageState() })
  const p = await context.newPage()
  p.setDefaultTimeout(240_000)
  if (mode === 'originals') {
    // The same list, each thumbnail request answered with the original instead (the download route).
    await p.route(u => u.pathname.endsWith('/thumbnail'), route => route.continue({ url: route.request().url().replace(/\/thumbnail$/, '/download') }))
  }
  const cdp = await context.newCDPSession(p)
  await cdp.send('Network.enable')
  let imageBytes = 0
  const images = new Set<string>()
  cdp.on('Network.responseReceived', e => e.type === 'Image' && images.add(e.requestId))
  cdp.on('Network.loadingFinished', (e) => { if (images.has(e.requestId)) imageBytes += e.encodedDataLength })
  await open(p, '/')
  const before = await browserRss(browser)

  await p.goto(url(chatPath))
  await p.getByTestId('file-row').first().waitFor()
  // The images in the window, loaded and decoded: what a person sees.
  const settled = () => p.evaluate(async () => {
    const inView = (img: HTMLImageElement) => {
      const r = img.getBoundingClientRect()
      return r.bottom > 0 && r.top < innerHeight
    }
    const wanted = [...document.querySelectorAll<HTMLImageElement>('[data-testid="thumbnail"]')].filter(inView)
    await Promise.all(wanted.map(img => img.decode().catch(() => {})))
    return performance.now()
  })
  const firstScreenMs = await settled()
  const firstScreenBytes = imageBytes
  await snap(p, `photos-${mode}-first-screen`)
  // Scroll to the end a screen at a time, as a person would, each screen shown before the next.
  const screens = await p.evaluate(() => Math.ceil(document.documentElement.scrollHeight / innerHeight))
  for (let i = 1; i <= screens; i++) {
    await p.evaluate(i => scrollTo(0, i * innerHeight), i)
    await settled()
  }
  const allMs = await p.evaluate(async () => {
    await Promise.all([...document.querySelectorAll<HTMLImageElement>('[data-testid="thumbnail"]')].map(img => (img.complete ? null : new Promise(resolve => img.addEventListener('load', resolve, { once: true })))))
    return performance.now()
  })
  const result = await p.evaluate(() => {
    const loaded = [...document.querySelectorAll<HTMLImageElement>('[data-testid="thumbnail"]')].filter(img => img.complete && img.naturalWidth > 0)
    return { imagesLoaded: loaded.length, decodedBytes: loaded.reduce((sum, img) => sum + img.naturalWidth * img.naturalHeight * 4, 0) }
  })
  await new Promise(resolve => setTimeout(resolve, 1000))
  const after = await browserRss(browser)
  await context.close()
  return { ...result, imageBytes, firstScreenBytes, firstScreenMs: Math.round(firstScreenMs), allMs: Math.round(allMs), browserRssGrowthBytes: before !== null && after !== null ? after - before : null }
}

describe('a chat of 100 photos', () => {
  it('costs the browser a few hundred KB with thumbnails, where the originals cost hundreds of MB', async () => {
    await measure('thumbnails') // warms the server's code paths and the thumbnails' first requests
    const thumbnails = await measure('thumbnails')
    const originals = await measure('originals')
    // What the first screen's bytes alone take on a 50 Mbit/s connection.
    const at50Mbits = (bytes: number) => Math.round(bytes * 8 / 50e6 * 1000)
    const report = { photos: PHOTOS, photoBytes, thumbnails: { ...thumbnails, firstScreenMsAt50Mbits: at50Mbits(thumbnails.firstScreenBytes) }, originals: { ...originals, firstScreenMsAt50Mbits: at50Mbits(originals.firstScreenBytes) } }
    writeFileSync(`${screenshotDir}/../photos-measurement.json`, JSON.stringify(report, null, 2))
    console.log('[photos]', JSON.stringify(report))

    expect(thumbnails.imagesLoaded).toBe(PHOTOS)
    expect(originals.imagesLoaded).toBe(PHOTOS)
    // Bytes and pixels, not time: what the thumbnails save does not depend on the machine.
    expect(thumbnails.imageBytes).toBeLessThan(1024 * 1024)
    expect(thumbnails.decodedBytes).toBe(PHOTOS * 96 * 96 * 4)
    expect(originals.imageBytes).toBeGreaterThan(photoBytes * 0.95)
    expect(originals.decodedBytes).toBe(PHOTOS * 4000 * 3000 * 4)
  }, 600_000)
})
