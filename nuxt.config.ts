import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defaultSessionIdleTimeout, defaultSessionMaxAge, requestDefaults, s3Defaults, sessionCookieName, throttleDefaults, uploadDefaults } from './server/utils/config'
import { apiHeaders, staticHeaders } from './server/utils/security-headers'
import { uiIcons } from './shared/utils/icons'

const packageVersion = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version?: string }).version

// https://nuxt.com/docs/api/configuration/nuxt-config
export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  // Nuxt 4 directory layout stays opt-in on 3.x; the code avoids anything that would block the move.
  future: { compatibilityVersion: 3 },
  devtools: { enabled: false },
  telemetry: false,

  // node-support first: it speaks before anything loads the AWS SDK.
  modules: ['~~/modules/node-support', '@nuxt/ui', 'nuxt-auth-utils', '~~/modules/local-services'],

  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      link: [{ rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
    },
  },
  css: ['~/assets/css/main.css'],
  // Styles as a stylesheet file (cached, served compressed) rather than inlined into every HTML response.
  features: { inlineStyles: false },

  // Nuxt UI, fully offline: the system's fonts (no @nuxt/fonts), light and dark from the system's setting in
  // CSS alone (no color-mode module, so no inline script), icons bundled into the client from @iconify-json.
  ui: { fonts: false, colorMode: false, theme: { colors: ['primary', 'neutral', 'success', 'warning', 'error', 'info'] } },
  icon: {
    provider: 'none',
    fallbackToApi: false,
    serverBundle: false,
    clientBundle: { scan: true, icons: uiIcons.map(name => name.replace(/^i-lucide-/, 'lucide:')) },
  },

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
    // Seconds; NUXT_SESSION_IDLE_TIMEOUT. A session unused this long ends (server/utils/sessions.ts).
    sessionIdleTimeout: defaultSessionIdleTimeout,
    // NUXT_THROTTLE_*: sign-in and sign-up throttling (server/utils/throttle.ts).
    throttle: { ...throttleDefaults },
    // NUXT_ORIGIN, NUXT_TRUSTED_PROXIES, NUXT_JSON_BODY_LIMIT (server/utils/requests.ts).
    ...requestDefaults,
  },

  // Headers that never change, decided once at build time; pages get their Content-Security-Policy from
  // server/plugins/security-headers.ts (it names the storage origin and the hashes of Nuxt's inline scripts).
  routeRules: {
    '/**': { headers: staticHeaders(process.env.NODE_ENV === 'production') },
    '/api/**': { headers: apiHeaders },
    '/_openapi.json': { headers: apiHeaders },
  },

  typescript: { strict: true },

  nitro: {
    experimental: { openAPI: true, tasks: true },
    // Scripts, styles and the API reference's bundle are served precompressed (brotli and gzip).
    compressPublicAssets: { gzip: true, brotli: true },
    // The OpenAPI 3.1 document, built from each route file's defineRouteMeta and served by the production
    // server too; pages/api-reference.vue renders it. Nitro's Scalar and Swagger UIs load their scripts
    // from CDNs, so they are off: the reference must work offline.
    openAPI: {
      production: 'runtime',
      route: '/_openapi.json',
      meta: {
        title: 'Chat files API',
        description: 'The files attached to chat conversations, each with a short-lived presigned download URL, '
          + 'behind the sealed session cookie `neptun-session`. Every error has the shape '
          + '`{statusCode, statusMessage, data: {message}}`.',
        version: packageVersion ?? '1.0.0',
      },
      ui: { scalar: false, swagger: false },
    },
    // Every 5 minutes: stale uploads (older than NUXT_UPLOAD_PENDING_TTL) and unconfirmed object deletions.
    // Hourly: ended sessions and expired throttle counters are deleted.
    scheduledTasks: { '*/5 * * * *': ['storage:sweep'], '17 * * * *': ['auth:cleanup'] },
  },

  // `npm run bench` only (bench/run.ts builds with `--envName bench`): its own build and output dirs, and two
  // comparison routes that exist in no other build. The shipped app never contains bench/.
  $env: {
    bench: {
      buildDir: fileURLToPath(new URL('./bench/.nuxt', import.meta.url)),
      nitro: {
        // Workers per NITRO_CLUSTER_WORKERS: the bench runs one (as the node-server preset would) and one per core.
        preset: 'node-cluster',
        output: { dir: fileURLToPath(new URL('./bench/.output', import.meta.url)) },
        handlers: [
          { route: '/api/_bench/naive/users/:user_id/chats/:chat_id/files', method: 'get', lazy: true, handler: fileURLToPath(new URL('./bench/handlers/naive.get.ts', import.meta.url)) },
          { route: '/api/_bench/floor/users/:user_id/chats/:chat_id/files', method: 'get', lazy: true, handler: fileURLToPath(new URL('./bench/handlers/floor.get.ts', import.meta.url)) },
        ],
      },
    },
  },

  hooks: {
    // API errors get the contract's JSON shape; every other path keeps Nuxt's error page.
    'nitro:config'(config) {
      const handlers = [config.errorHandler ?? []].flat()
      config.errorHandler = [fileURLToPath(new URL('./server/error-handler', import.meta.url)), ...handlers]
      // @nuxt/icon always adds /api/_nuxt_icon/:collection; every icon here is bundled into the client
      // (icon.provider 'none'), so that route would only answer 404s, to any method.
      config.handlers = config.handlers?.filter(h => !h?.route?.startsWith('/api/_nuxt_icon/'))
    },
  },
})
