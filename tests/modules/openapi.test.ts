import { describe, expect, it } from 'vitest'
import { apiRouteFiles } from '../../modules/openapi'

// Which route files the OpenAPI document covers, from Nitro's own scan (nitro.scannedHandlers).
const server = '/app/server'
const nitro = (scannedHandlers: { route?: string, method?: string, handler: string, middleware?: boolean, env?: string }[], dev = false) =>
  ({ scannedHandlers, options: { scanDirs: [server], apiDir: 'api', dev } }) as unknown as Parameters<typeof apiRouteFiles>[0]

describe('apiRouteFiles', () => {
  it('lists each route file under server/api with its method and OpenAPI path', () => {
    expect(apiRouteFiles(nitro([
      { route: '/api/users/:user_id/chats/:chat_id/files', method: 'get', handler: `${server}/api/users/[user_id]/chats/[chat_id]/files.get.ts` },
      { route: '/api/auth/sessions', method: 'delete', handler: `${server}/api/auth/sessions/index.delete.ts` },
    ]))).toEqual([
      { method: 'get', path: '/api/users/{user_id}/chats/{chat_id}/files', file: 'users/[user_id]/chats/[chat_id]/files.get.ts', handler: `${server}/api/users/[user_id]/chats/[chat_id]/files.get.ts` },
      { method: 'delete', path: '/api/auth/sessions', file: 'auth/sessions/index.delete.ts', handler: `${server}/api/auth/sessions/index.delete.ts` },
    ])
  })

  it('leaves out catch-alls, middleware, server/routes, routes of other modules and files for another environment', () => {
    expect(apiRouteFiles(nitro([
      { route: '/api/**:path', handler: `${server}/api/[...path].ts` },
      { middleware: true, handler: `${server}/middleware/api-guard.ts` },
      { route: '/_openapi.json', method: 'get', handler: `${server}/routes/_openapi.json.get.ts` },
      { route: '/api/_auth/session', method: 'get', handler: '/app/node_modules/nuxt-auth-utils/dist/runtime/server/api/session.get.js' },
      { route: '/api/_bench/floor/users/:user_id/chats/:chat_id/files', method: 'get', handler: '/app/bench/handlers/floor.get.ts' },
      { route: '/api/debug', method: 'get', env: 'dev', handler: `${server}/api/debug.get.dev.ts` },
    ]))).toEqual([])
  })

  it('refuses a route file without a method in its name: it could not be documented', () => {
    expect(() => apiRouteFiles(nitro([{ route: '/api/anything', handler: `${server}/api/anything.ts` }])))
      .toThrow('server/api/anything.ts: name its method in the file name (such as anything.get.ts)')
  })
})
