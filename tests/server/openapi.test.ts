import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { fetch, setupApp } from '../helpers/app'
import { rootDir } from '../helpers/paths'

// The OpenAPI document the production build serves (nitro.openAPI in nuxt.config.ts, each route's
// defineRouteMeta): every route file under server/api is in it, fully described, and the contract's
// endpoint is described exactly as ../shared/spec/chat-files-endpoint.md says.

await setupApp()

type Json = Record<string, any>

const apiDir = join(rootDir, 'server/api')
const methods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'connect', 'trace']

interface RouteFile { file: string, method: string, path: string, catchAll: boolean }

/**
 * Method and OpenAPI path of each route file, the way Nitro maps them: `[name]` → `{name}`, `index` → '',
 * `.get.ts` → GET. A file without a method suffix answers every method; Nitro documents it once, as GET.
 * `[...name]` (a catch-all) appears as `{name}`, standing for the rest of the path.
 */
function routeFiles(): RouteFile[] {
  return readdirSync(apiDir, { recursive: true, encoding: 'utf8' })
    .filter(file => /\.[cm]?[jt]s$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => {
      const segments = file.replace(/\\/g, '/').replace(/\.[cm]?[jt]s$/, '').split('/')
      const last = segments.pop()!
      const suffix = last.match(/\.(\w+)$/)?.[1]
      const method = suffix && methods.includes(suffix) ? suffix : undefined
      segments.push(method ? last.slice(0, -suffix!.length - 1) : last)
      if (segments.at(-1) === 'index') segments.pop()
      const catchAll = segments.some(s => /^\[\.\.\.\w*\]$/.test(s))
      const path = '/api' + segments.map(s => '/' + s.replace(/^\[\.\.\.(\w+)\]$/, '{$1}').replace(/^\[(\w+)\]$/, '{$1}')).join('')
      return { file, method: method ?? 'get', path, catchAll }
    })
}

let doc: Json

/** The object a local `#/…` reference points to, following references; fails the test if it points nowhere. */
function resolve<T = Json>(value: unknown): T {
  let current = value as Json
  for (let hops = 0; typeof current?.$ref === 'string'; hops++) {
    expect(hops).toBeLessThan(10)
    const ref: string = current.$ref
    expect(ref.startsWith('#/')).toBe(true)
    current = ref.slice(2).split('/').reduce<Json>((node, part) => node?.[part], doc)
    expect(current, `${ref} resolves`).toBeDefined()
  }
  return current as T
}

beforeAll(async () => {
  const res = await fetch('/_openapi.json')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  doc = await res.json()
})

describe('GET /_openapi.json', () => {
  it('is an OpenAPI 3 document titled for this API', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/)
    expect(doc.info.title).toBe('Chat files API')
    expect(doc.info.version).toMatch(/\S/)
    expect(doc.info.description).toMatch(/\S/)
  })

  it('has every route file under server/api, with its method, a summary and its path parameters', () => {
    const routes = routeFiles()
    expect(routes.length).toBeGreaterThanOrEqual(13)
    for (const route of routes) {
      const operation = doc.paths?.[route.path]?.[route.method]
      expect(operation, `${route.method.toUpperCase()} ${route.path} (server/api/${route.file})`).toBeDefined()
      expect(operation.summary, `summary of ${route.file}`).toMatch(/\S/)
      expect(operation.tags?.length, `tags of ${route.file}`).toBeGreaterThan(0)
      expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(0)
      const declared = (operation.parameters ?? []).map(resolve).filter((p: Json) => p.in === 'path')
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(m => m[1])
      expect(declared.map((p: Json) => p.name).sort(), `path parameters of ${route.file}`).toEqual(inPath.sort())
      for (const p of declared) {
        expect(p.required).toBe(true)
        expect(p.description).toMatch(/\S/)
      }
    }
  })

  it('documents the catch-all as the 404 in the error shape that it is', () => {
    const catchAlls = routeFiles().filter(r => r.catchAll)
    expect(catchAlls.map(r => r.path)).toEqual(['/api/{path}'])
    const response = resolve(doc.paths['/api/{path}'].get.responses['404'])
    expect(response.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ApiError' })
  })

  it('resolves every $ref and every operation\'s responses to described objects', () => {
    const refs: string[] = []
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk)
      if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref') refs.push(value as string)
          else walk(value)
        }
      }
    }
    walk(doc)
    expect(refs.length).toBeGreaterThan(50)
    for (const ref of new Set(refs)) resolve({ $ref: ref })

    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      if (!path.startsWith('/api/') || path.startsWith('/api/_auth/')) continue // nuxt-auth-utils' own routes carry no meta
      for (const [method, operation] of Object.entries<Json>(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(resolve(response).description, `${method} ${path} ${status}`).toMatch(/\S/)
          if (Number(status) >= 400) {
            expect(resolve(response).content['application/json'].schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/ApiError' })
          }
        }
      }
    }
  })

  it('declares the neptun-session cookie once, as the security scheme every user route requires', () => {
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'neptun-session' })
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      if (!path.startsWith('/api/users/')) continue
      for (const operation of Object.values<Json>(item)) expect(operation.security).toEqual([{ session: [] }])
    }
  })

  it('describes request bodies as the zod schemas accept them', () => {
    const body = (path: string, method: string, type = 'application/json') => resolve(doc.paths[path][method].requestBody.content[type].schema)
    expect(body('/api/auth/sign-up', 'post')).toMatchObject({ required: ['email', 'password'], properties: { email: { type: 'string', format: 'email' }, password: { type: 'string', minLength: 10 } } })
    expect(body('/api/auth/login', 'post')).toMatchObject({ required: ['email', 'password'], properties: { email: { type: 'string' }, password: { type: 'string' } } })
    const chat = { required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } }
    expect(body('/api/users/{user_id}/chats', 'post')).toMatchObject(chat)
    expect(body('/api/users/{user_id}/chats/{chat_id}', 'patch')).toMatchObject(chat)
    expect(body('/api/users/{user_id}/chats/{chat_id}/files/uploads', 'post')).toMatchObject({
      required: ['name', 'size'],
      properties: { name: { type: 'string' }, size: { type: 'integer', minimum: 0 }, type: { type: 'string' } },
    })
    const form = body('/api/users/{user_id}/chats/{chat_id}/files', 'post', 'multipart/form-data')
    expect(form.properties.file).toMatchObject({ type: 'array', items: { type: 'string', format: 'binary' } })
  })
})

describe('GET /api/users/{user_id}/chats/{chat_id}/files in the document', () => {
  const operation = () => doc.paths['/api/users/{user_id}/chats/{chat_id}/files'].get

  it('has the spec\'s parameters and the session cookie', () => {
    const parameters = operation().parameters.map(resolve)
    expect(parameters.map((p: Json) => [p.name, p.in, p.required, p.schema.type])).toEqual([
      ['user_id', 'path', true, 'string'],
      ['chat_id', 'path', true, 'integer'],
    ])
    expect(parameters[0].description).toMatch(/^Unique identifier of the user/)
    expect(parameters[1].description).toMatch(/^Unique identifier of the chat/)
    expect(operation().security).toEqual([{ session: [] }])
    expect(operation().requestBody).toBeUndefined()
    expect(operation().description).toMatch(/limited-time validity/)
    expect(operation().description).toMatch(/expire/)
  })

  it('answers 200 {chatFiles: ChatFile[]} with exactly the spec\'s fields and types, and its example', () => {
    const ok = resolve(operation().responses['200'])
    expect(ok.description).toBe('Successfully retrieved chat files')
    const media = ok.content['application/json']
    const body = resolve(media.schema)
    expect(Object.keys(body.properties)).toEqual(['chatFiles'])
    expect(body.required).toEqual(['chatFiles'])
    expect(body.properties.chatFiles.type).toBe('array')
    const chatFile = resolve(body.properties.chatFiles.items)
    const fields = Object.fromEntries(Object.entries<Json>(chatFile.properties).map(([name, s]) => [name, [s.type, s.format]]))
    expect(fields).toEqual({
      id: ['integer', undefined],
      chat_conversation_id: ['integer', undefined],
      name: ['string', undefined],
      size: ['integer', undefined],
      type: ['string', undefined],
      created_at: ['string', 'date-time'],
      url: ['string', 'uri'],
    })
    expect([...chatFile.required].sort()).toEqual(Object.keys(fields).sort())
    expect(media.example).toEqual({
      chatFiles: [{
        id: 1,
        chat_conversation_id: 123,
        name: 'document.pdf',
        size: 1024,
        type: 'application/pdf',
        created_at: '2024-03-20T10:00:00Z',
        url: 'https://storage.example.com/files/document.pdf',
      }],
    })
    expect(chatFile.properties.url.description).toMatch(/limited-time validity/)
  })

  it('answers 400, 401, 404 and 500 in the error shape, with the spec\'s 404 example', () => {
    const responses = operation().responses
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '404', '500'])
    for (const status of ['400', '401', '404', '500']) {
      expect(resolve(responses[status]).content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ApiError' })
    }
    expect(resolve(responses['401']).description).toMatch(/Unauthorized \(invalid or missing session\)/)
    expect(resolve(responses['404']).description).toMatch(/Chat or user not found/)
    expect(resolve(responses['404']).content['application/json'].example).toEqual({ statusCode: 404, statusMessage: 'Not Found', data: { message: 'Chat not found' } })

    const error = resolve(doc.components.schemas.ApiError)
    expect(error.required).toEqual(['statusCode', 'statusMessage', 'data'])
    expect(error.properties.statusCode.type).toBe('integer')
    expect(error.properties.statusMessage.type).toBe('string')
    expect(error.properties.data).toMatchObject({ type: 'object', required: ['message'], properties: { message: { type: 'string' } } })
  })
})

describe('Nitro\'s own API UIs', () => {
  it('are off: they load scripts from CDNs, which do not work offline', async () => {
    // Not served: these paths fall through to the pages, which send visitors without a session to /login.
    for (const path of ['/_scalar', '/_swagger']) {
      const res = await fetch(path, { redirect: 'manual' })
      expect(res.status, path).not.toBe(200)
      expect(await res.text()).not.toContain('cdn.jsdelivr.net')
    }
    expect(Object.keys(doc.paths)).not.toEqual(expect.arrayContaining(['/_scalar']))
    expect(Object.keys(doc.paths)).not.toEqual(expect.arrayContaining(['/_swagger']))
  })
})
