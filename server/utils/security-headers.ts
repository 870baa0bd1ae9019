import { createHash } from 'node:crypto'

// Security headers. Those that never change are route rules (nuxt.config.ts), decided at build time; the
// pages' Content-Security-Policy is built once per process and completed per page with the hashes of the
// inline scripts Nuxt itself writes (server/plugins/security-headers.ts). Pure functions: nuxt.config.ts
// imports this file.

/** Every response: no MIME sniffing, no framing, no referrer to other origins, no cross-origin reads. */
export function staticHeaders(production: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    // Production only: browsers would keep refusing plain http for a year, which `nuxt dev` on localhost uses.
    ...(production ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  }
}

/** API responses are data, never documents: nothing may load from them, nothing may frame them. */
export const apiHeaders: Record<string, string> = {
  'content-security-policy': 'default-src \'none\'; frame-ancestors \'none\'; base-uri \'none\'; form-action \'none\'',
}

/**
 * The pages' policy for a storage origin (downloads, previews and direct uploads go there), as a function of
 * the inline scripts' hashes. Scripts: the app's own files and the hashed inline ones, nothing else, no
 * 'unsafe-inline' or eval. Styles allow inline: Nuxt inlines component CSS into <style> tags and Vue writes
 * style="" attributes (progress bars); CSS cannot run script, and hashing every style attribute is not
 * possible ('unsafe-hashes' covers only listed values).
 */
export function pagePolicy(storageOrigin: string | undefined): (scriptHashes: string[]) => string {
  const storage = storageOrigin ? ` ${storageOrigin}` : ''
  const rest = [
    'style-src \'self\' \'unsafe-inline\'',
    `img-src 'self' data: blob:${storage}`,
    `media-src 'self' blob:${storage}`,
    `connect-src 'self'${storage}`,
    `frame-src 'self' blob:${storage}`,
    'font-src \'self\' data:',
    'worker-src \'self\' blob:',
    'manifest-src \'self\'',
    'object-src \'none\'',
    'base-uri \'self\'',
    'form-action \'self\'',
    'frame-ancestors \'none\'',
  ].join('; ')
  const built = new Map<string, string>()
  return (hashes) => {
    const key = hashes.join(' ')
    let policy = built.get(key)
    if (!policy) {
      policy = `default-src 'self'; script-src 'self'${key ? ` ${key}` : ''}; ${rest}`
      if (built.size < 100) built.set(key, policy)
    }
    return policy
  }
}

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi
const EXECUTABLE = /^(?:|text\/javascript|application\/javascript|module|importmap)$/i
const hashes = new Map<string, string>()

/**
 * CSP source expressions ('sha256-…') for the inline scripts in `chunks`, in order, without repeats. Only
 * scripts that run count (a `type="application/json"` payload is data, which CSP does not govern); scripts
 * with `src` are covered by 'self'. Nuxt's inline scripts are the same from page to page, so their hashes
 * are remembered.
 */
export function inlineScriptHashes(chunks: string[]): string[] {
  const found: string[] = []
  for (const chunk of chunks) {
    if (!chunk.includes('<script')) continue
    for (const [, attributes = '', content = ''] of chunk.matchAll(SCRIPT)) {
      if (/\ssrc\s*=/i.test(` ${attributes}`)) continue
      const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attributes)?.[1] ?? ''
      if (!EXECUTABLE.test(type)) continue
      let hash = hashes.get(content)
      if (!hash) {
        hash = `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`
        if (hashes.size < 100) hashes.set(content, hash)
      }
      if (!found.includes(hash)) found.push(hash)
    }
  }
  return found
}
