import type { NuxtRenderHTMLContext } from 'nuxt/app'

// Pages get a Content-Security-Policy naming the storage's public origin and the hashes of the inline scripts
// Nuxt and its modules write into <head> and the end of <body> (the runtime config script, an import map, a
// color-mode script). The app's own markup (html.body) is never hashed: a script injected there stays blocked.
// Hashes are taken when the response is sent, after every render:html hook has added what it adds. Off under
// `nuxt dev`, where Vite's client and HMR need more than production does.
export default defineNitroPlugin((nitroApp) => {
  if (import.meta.dev) return
  let policy: ((hashes: string[]) => string) | undefined

  nitroApp.hooks.hook('render:html', (html, { event }) => {
    event.context.renderedHtml = html
  })
  nitroApp.hooks.hook('render:response', (response, { event }) => {
    policy ??= pagePolicy(storageOrigin())
    const html = event.context.renderedHtml as NuxtRenderHTMLContext | undefined
    // A response rendered without HTML (a redirect page) has no inline script: the policy allows none.
    const hashes = html ? inlineScriptHashes([...html.head, ...html.bodyPrepend, ...html.bodyAppend]) : []
    response.headers ??= {}
    response.headers['content-security-policy'] = policy(hashes)
    delete response.headers['x-powered-by']
  })
})

/** Where browsers reach the bucket: downloads, previews and direct uploads all go to this origin. */
function storageOrigin(): string | undefined {
  const s = useS3Settings()
  try {
    const { protocol, host } = bucketLocation(s.publicEndpoint || s.endpoint, s)
    return `${protocol}//${host}`
  }
  catch {
    return undefined
  }
}
