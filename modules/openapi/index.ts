import { readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { defineNuxtModule, useLogger } from '@nuxt/kit'
import type { Nitro } from 'nitropack'

// The list of documented routes for the OpenAPI document (server/routes/_openapi.json.get.ts), as the virtual
// module `#api-route-files`: every route file under server/api, with the method and path Nitro itself derived
// from its name (nitro.scannedHandlers), and a dynamic import() of it (rollup reuses the chunk Nitro makes for
// the handler, so nothing is bundled twice). Catch-alls (`[...path]`) stand for "no such route" and are left
// out, as are routes other modules add (nuxt-auth-utils' /api/_auth/session, @nuxt/icon's, the bench's): they
// are not in server/api. A route file without an `openapi` export fails the build.

export interface ApiRouteFileEntry { method: string, path: string, file: string, handler: string }

/** The documented route files among Nitro's scanned handlers. */
export function apiRouteFiles(nitro: Pick<Nitro, 'scannedHandlers' | 'options'>): ApiRouteFileEntry[] {
  const apiDirs = nitro.options.scanDirs.map(dir => join(dir, nitro.options.apiDir || 'api') + sep)
  const env = nitro.options.dev ? 'dev' : 'prod'
  return nitro.scannedHandlers
    .filter(h => !h.middleware && h.route && !h.route.includes('**') && (!h.env || h.env === env))
    .flatMap((h) => {
      const dir = apiDirs.find(d => h.handler.startsWith(d))
      if (!dir) return []
      const file = relative(dir, h.handler).split(sep).join('/')
      if (!h.method) throw new Error(`server/api/${file}: name its method in the file name (such as ${file.replace(/(\.\w+)$/, '.get$1')}) so that it can be documented`)
      // `:name` → `{name}`, as OpenAPI writes a path parameter.
      return [{ method: h.method.toLowerCase(), path: h.route!.replace(/:(\w+)/g, '{$1}'), file, handler: h.handler }]
    })
}

export default defineNuxtModule({
  meta: { name: 'openapi' },
  setup(_options, nuxt) {
    const logger = useLogger('openapi')
    const version = (JSON.parse(readFileSync(join(nuxt.options.rootDir, 'package.json'), 'utf8')) as { version?: string }).version ?? '1.0.0'
    nuxt.hook('nitro:init', (nitro) => {
      nitro.options.virtual['#api-route-files'] = () => {
        const routes = apiRouteFiles(nitro)
        const undocumented = routes.filter(r => !/^export const openapi\b/m.test(readFileSync(r.handler, 'utf8')))
        if (undocumented.length > 0) {
          const message = `Route files without an \`export const openapi = defineOperation(…)\`: ${undocumented.map(r => `server/api/${r.file}`).join(', ')}`
          if (!nitro.options.dev) throw new Error(message)
          logger.warn(`${message}; /_openapi.json fails until they have one.`)
        }
        return [
          `export const version = ${JSON.stringify(version)}`,
          'export const routes = [',
          ...routes.map(r => `  { method: ${JSON.stringify(r.method)}, path: ${JSON.stringify(r.path)}, file: ${JSON.stringify(r.file)}, load: () => import(${JSON.stringify(r.handler)}) },`),
          ']',
        ].join('\n')
      }
    })
  },
})
