// Pages get a Content-Security-Policy naming the storage's public origin and the hashes of the inline scripts
// Nuxt writes into <head> and the end of <body> (the runtime config script, an import map). The app's own
// markup (html.body) is never hashed: a script injected there stays blocked. Off under `nuxt dev`, where
// Vite's client and HMR need more than production does.
export default defineNitroPlugin((nitroApp) => {
  if (import.meta.dev) return
  let policy: ((hashes: string[]) => string) | undefined

  nitroApp.hooks.hook('render:html', (html, { event }) => {
    policy ??= pagePolicy(storageOrigin())
    event.context.contentSecurityPolicy = policy(inlineScriptHashes([...html.head, ...html.bodyPrepend, ...html.bodyAppend]))
  })
  nitroApp.hooks.hook('render:response', (response, { event }) => {
    policy ??= pagePolicy(storageOrigin())
    response.headers ??= {}
    // A response rendered without HTML hooks (a redirect page) has no inline script: the policy allows none.
    response.headers['content-security-policy'] = (event.context.contentSecurityPolicy as string | undefined) ?? policy([])
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
