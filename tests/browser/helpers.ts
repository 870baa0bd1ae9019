import { mkdirSync, readFileSync } from 'node:fs'
import { url } from '@nuxt/test-utils/e2e'
import type { Page } from 'playwright-core'
import { setupApp } from '../helpers/app'
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

/** The production build on the suite's services, and Chromium to drive it (one server per test file). */
export function setupBrowserApp(overrides: Record<string, string> = {}) {
  return setupApp(overrides, { browser: true, browserOptions })
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

const axeSource = readFileSync(`${rootDir}/node_modules/axe-core/axe.min.js`, 'utf8')

export interface AxeViolation { id: string, impact: string | null, help: string, nodes: string[] }

/**
 * axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules and best
 * practices). axe is evaluated through the DevTools protocol, so a strict Content-Security-Policy does not
 * stop it and the page itself never loads it.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource)
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string, impact: string | null, help: string, nodes: { target: unknown[] }[] }[] }> } }).axe
    const { violations } = await axe.run(document, { resultTypes: ['violations'] })
    return violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => JSON.stringify(n.target)) }))
  })
  return results.filter(v => v.impact === 'serious' || v.impact === 'critical')
}

/** A screenshot, then axe: the state is named once for both, in light and dark (and the phone size, when given). */
export async function snapAndCheck(page: Page, step: string, options: { phone?: boolean } = {}) {
  const found: Record<string, AxeViolation[]> = {}
  const viewport = page.viewportSize()
  const sizes = options.phone ? [undefined, { width: 390, height: 844 }] : [undefined]
  for (const size of sizes) {
    if (size) await page.setViewportSize(size)
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      // Colours change with a short transition: measure contrast once it has ended.
      await page.waitForTimeout(400)
      const name = `${step}-${scheme}${size ? '-phone' : ''}`
      await snap(page, name)
      const violations = await seriousViolations(page)
      if (violations.length) found[name] = violations
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  if (viewport) await page.setViewportSize(viewport)
  return found
}
