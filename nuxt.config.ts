import { fileURLToPath } from 'node:url'

// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  // Nuxt 4 directory layout stays opt-in on 3.x; the code avoids anything that would block the move.
  future: { compatibilityVersion: 3 },
  devtools: { enabled: false },
  telemetry: false,

  modules: ['nuxt-auth-utils', '~~/modules/local-services'],

  runtimeConfig: {
    session: {
      name: 'neptun-session',
      password: '',
      // Seconds; NUXT_SESSION_MAX_AGE. Bounds both the cookie and the sealed payload's TTL.
      maxAge: 60 * 60 * 24 * 7,
      cookie: { sameSite: 'lax', httpOnly: true, secure: process.env.NODE_ENV === 'production' },
    },
    s3: {
      // Where the server itself reaches storage; empty means AWS's own endpoint for the region.
      endpoint: '',
      // The host browsers and curl reach; URLs are signed for it. Empty means `endpoint`.
      publicEndpoint: '',
      region: 'us-east-1',
      bucket: '',
      accessKeyId: '',
      secretAccessKey: '',
      forcePathStyle: false,
      // Lifetime of presigned download URLs in seconds (at most 7 days, SigV4's limit).
      urlTtl: 900,
    },
  },

  typescript: { strict: true },

  nitro: {
    experimental: { openAPI: false },
  },

  hooks: {
    // API errors get the contract's JSON shape; every other path keeps Nuxt's error page.
    'nitro:config'(config) {
      const handlers = [config.errorHandler ?? []].flat()
      config.errorHandler = [fileURLToPath(new URL('./server/error-handler', import.meta.url)), ...handlers]
    },
  },
})
