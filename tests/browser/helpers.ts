import { mkdirSync } from 'node:fs'
import { url } from '@nuxt/test-utils/e2e'
import type { Page } from 'playwright-core'
import { rootDir } from '../helpers/paths'

export const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Launch options for Debian's Chromium as root, on a machine without network. */
export const browserOptions = {
  type: 'chromium' as const,
  launch: {
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  },
}

export const screenshotDir = `${rootDir}/tests/.output/screenshots`
mkdirSync(screenshotDir, { recursive: true })

/** Saves a full-page screenshot named after the step, for people to look at afterwards. */
export async function snap(page: Page, step: string) {
  await page.screenshot({ path: `${screenshotDir}/${step}.png`, fullPage: true })
}

/** Opens a path of the app and waits until Vue has hydrated it (app.vue sets html[data-hydrated]). */
export async function open(page: Page, path: string) {
  await page.goto(path.startsWith('http') ? path : url(path))
  await page.waitForSelector('html[data-hydrated]', { state: 'attached' })
}
