import { fileURLToPath } from 'node:url'
import { defaultSessionMaxAge, s3Defaults, sessionCookieName, uploadDefaults } from './server/utils/config'

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
      name: sessionCookieName,
      password: '',
      // Seconds; NUXT_SESSION_MAX_AGE. Bounds both the cookie and the sealed payload's TTL.
      maxAge: defaultSessionMaxAge,
      cookie: { sameSite: 'lax', httpOnly: true, secure: process.env.NODE_ENV === 'production' },
    },
    // NUXT_S3_ENDPOINT, NUXT_S3_PUBLIC_ENDPOINT, NUXT_S3_REGION, NUXT_S3_BUCKET, NUXT_S3_ACCESS_KEY_ID,
    // NUXT_S3_SECRET_ACCESS_KEY, NUXT_S3_FORCE_PATH_STYLE, NUXT_S3_URL_TTL; described in server/utils/storage.ts.
    s3: { ...s3Defaults },
    // NUXT_UPLOAD_MAX_BYTES, NUXT_UPLOAD_MAX_FILES_PER_CHAT, NUXT_UPLOAD_ALLOWED_TYPES, NUXT_UPLOAD_URL_TTL,
    // NUXT_UPLOAD_PENDING_TTL; described in server/utils/config.ts.
    upload: { ...uploadDefaults },
  },

  typescript: { strict: true },

  nitro: {
    experimental: { openAPI: false, tasks: true },
    // Every 5 minutes: stale uploads (older than NUXT_UPLOAD_PENDING_TTL) and unconfirmed object deletions.
    scheduledTasks: { '*/5 * * * *': ['storage:sweep'] },
  },

  hooks: {
    // API errors get the contract's JSON shape; every other path keeps Nuxt's error page.
    'nitro:config'(config) {
      const handlers = [config.errorHandler ?? []].flat()
      config.errorHandler = [fileURLToPath(new URL('./server/error-handler', import.meta.url)), ...handlers]
    },
  },
})
