import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { api, createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../helpers/app'
import { fetchOpenApiDocument } from '../helpers/openapi'
import type { Json } from '../helpers/openapi'
import { rootDir } from '../helpers/paths'
import { chatBody } from '../../server/utils/chats'
import { changePasswordBody, credentialsBody, signUpBody } from '../../server/utils/users'

// The OpenAPI document the production build serves at /_openapi.json, generated from each route file's
// `openapi` export (server/utils/openapi.ts): every route file under server/api is in it and nothing else,
// request bodies are the validators' own JSON Schema, the statuses each route can answer are there with the
// server's own error bodies as examples, and the contract's endpoint is described exactly as
// ../shared/spec/chat-files-endpoint.md says.

await setupApp()
const services = useServices()

const apiDir = join(rootDir, 'server/api')
const methods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'connect', 'trace']

/** Route files under server/api that are not for users, so have no `openapi` export, and why. */
const internalRouteFiles: Record<string, string> = {
  '[...path].ts': 'the catch-all: any other /api path answers 404 in the error shape; it is "no such route", not an operation',
}

interface RouteFile { file: string, method: string, path: string }

/** Method and OpenAPI path of each route file, the way Nitro maps them: `[name]` → `{name}`, `index` → '', `.get.ts` → GET. */
function routeFiles(): RouteFile[] {
  return readdirSync(apiDir, { recursive: true, encoding: 'utf8' })
    .filter(file => /\.[cm]?[jt]s$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => {
      const segments = file.replace(/\\/g, '/').replace(/\.[cm]?[jt]s$/, '').split('/')
      const last = segments.pop()!
      const suffix = last.match(/\.(\w+)$/)?.[1]
      const method = suffix && methods.includes(suffix) ? suffix : 'any'
      segments.push(method !== 'any' ? last.slice(0, -suffix!.length - 1) : last)
      if (segments.at(-1) === 'index') segments.pop()
      const path = '/api' + segments.map(s => '/' + s.replace(/^\[(\w+)\]$/, '{$1}')).join('')
      return { file: file.replace(/\\/g, '/'), method, path }
    })
}

const documentedFiles = () => routeFiles().filter(r => !(r.file in internalRouteFiles))

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

const operations = () => Object.entries<Json>(doc.paths).flatMap(([path, item]) => Object.entries<Json>(item).map(([method, op]) => ({ path, method, op, name: `${method.toUpperCase()} ${path}` })))
const statuses = (op: Json) => Object.keys(op.responses).map(Number)
const errorExamples = (response: Json) => {
  const media = response.content['application/json']
  return media.example ? [media.example] : Object.values<Json>(media.examples).map(e => e.value)
}

beforeAll(async () => {
  const res = await fetch('/_openapi.json')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  doc = await res.json()
})

describe('GET /_openapi.json', () => {
  it('is an OpenAPI 3.1 document titled for this API, the same on every request', async () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('Chat files API')
    expect(doc.info.version).toMatch(/\S/)
    expect(doc.info.description).toMatch(/\S/)
    expect(await fetchOpenApiDocument()).toEqual(doc)
  })

  it('has every route file under server/api, with its method, a summary and its path parameters', () => {
    const routes = documentedFiles()
    expect(routes.length).toBeGreaterThanOrEqual(19)
    for (const route of routes) {
      const operation = doc.paths?.[route.path]?.[route.method]
      expect(operation, `${route.method.toUpperCase()} ${route.path} (server/api/${route.file})`).toBeDefined()
      expect(operation.summary, `summary of ${route.file}`).toMatch(/\S/)
      expect(operation.tags?.length, `tags of ${route.file}`).toBe(1)
      expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(0)
      const declared = (operation.parameters ?? []).map(resolve).filter((p: Json) => p.in === 'path')
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(m => m[1])
      expect(declared.map((p: Json) => p.name).sort(), `path parameters of ${route.file}`).toEqual(inPath.sort())
      for (const p of declared) {
        expect(p.required).toBe(true)
        expect(p.description).toMatch(/\S/)
      }
    }
    expect(new Set(operations().map(o => o.op.operationId)).size).toBe(operations().length)
  })

  it('has nothing else: internal routes (nuxt-auth-utils\', @nuxt/icon\'s, the catch-all, Nuxt\'s own) stay out', () => {
    const files = documentedFiles().map(r => `${r.method.toUpperCase()} ${r.path}`).sort()
    expect(operations().map(o => o.name).sort()).toEqual(files)
    for (const path of Object.keys(doc.paths)) expect(path).not.toMatch(/^\/api\/_|\{path\}|^\/_|^\/__/)
    // Each internal route file really has no operation, and each documented one has.
    for (const { file } of routeFiles()) {
      const source = readFileSync(join(apiDir, file), 'utf8')
      expect(/^export const openapi = defineOperation\(/m.test(source), file).toBe(!(file in internalRouteFiles))
    }
  })

  it('keeps route files readable as handlers: their OpenAPI text is at most 15 % of server/api', () => {
    let docLines = 0
    let allLines = 0
    for (const { file } of routeFiles()) {
      const lines = readFileSync(join(apiDir, file), 'utf8').trimEnd().split('\n')
      allLines += lines.length
      const start = lines.findIndex(line => line.startsWith('export const openapi = '))
      if (start >= 0) docLines += lines.slice(start).findIndex(line => line.endsWith('})')) + 1
    }
    console.log(`[openapi] OpenAPI text: ${docLines} of ${allLines} lines under server/api (${(100 * docLines / allLines).toFixed(1)} %)`)
    expect(docLines / allLines).toBeLessThanOrEqual(0.15)
  })

  it('resolves every $ref and describes every response; every error is an ApiError with examples in the error shape', () => {
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

    for (const { op, name } of operations()) {
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        expect(resolve(response).description, `${name} ${status}`).toMatch(/\S/)
        if (Number(status) < 400) continue
        expect(response.content['application/json'].schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/ApiError' })
        for (const example of errorExamples(response)) {
          expect(example.statusCode, `${name} ${status}`).toBe(Number(status))
          expect(Object.keys(example).sort()).toEqual(['data', 'statusCode', 'statusMessage'])
          expect(example.data.message).toMatch(/\S/)
        }
      }
    }
  })

  it('declares the neptun-session cookie once, as the security scheme every user route requires', () => {
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'neptun-session' })
    for (const { path, op } of operations()) {
      if (path.startsWith('/api/users/')) expect(op.security).toEqual([{ session: [] }])
    }
    const public_ = operations().filter(o => o.op.security.length === 0).map(o => o.name).sort()
    expect(public_).toEqual(['GET /api/upload-limits', 'POST /api/auth/login', 'POST /api/auth/sign-up'])
  })

  it('describes request bodies as the very zod schemas that validate them (z.toJSONSchema, io: input)', () => {
    const body = (path: string, method: string, type = 'application/json') => resolve(doc.paths[path][method].requestBody.content[type].schema)
    const input = (schema: z.ZodType) => {
      const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input' })
      return json
    }
    expect(body('/api/auth/login', 'post')).toEqual(input(credentialsBody))
    expect(body('/api/auth/sign-up', 'post')).toEqual(input(signUpBody))
    expect(body('/api/auth/password', 'post')).toEqual(input(changePasswordBody))
    expect(body('/api/users/{user_id}/chats', 'post')).toEqual(input(chatBody))
    expect(body('/api/users/{user_id}/chats/{chat_id}', 'patch')).toEqual(input(chatBody))
    expect(body('/api/auth/sign-up', 'post')).toMatchObject({ required: ['email', 'password'], properties: { email: { type: 'string', format: 'email' }, password: { type: 'string', minLength: 10 } } })
    expect(body('/api/users/{user_id}/chats', 'post')).toMatchObject({ required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } })
    expect(body('/api/users/{user_id}/chats/{chat_id}/files/uploads', 'post')).toMatchObject({
      required: ['name', 'size'],
      properties: { name: { type: 'string' }, size: { type: 'integer', minimum: 0 }, type: { type: 'string' }, sha256: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
    })
    const form = body('/api/users/{user_id}/chats/{chat_id}/files', 'post', 'multipart/form-data')
    expect(form.properties.file).toMatchObject({ type: 'array', items: { type: 'string', format: 'binary' } })
    const disposition = doc.paths['/api/users/{user_id}/chats/{chat_id}/files/{file_id}/download'].get.parameters.find((p: Json) => p.in === 'query')
    expect(disposition).toMatchObject({ name: 'disposition', required: false, schema: { enum: ['inline', 'attachment'] } })
  })
})

describe('the statuses each route can answer', () => {
  const stateChanging = () => operations().filter(o => ['post', 'patch', 'put', 'delete'].includes(o.method))
  const multipart = (op: Json) => !!op.requestBody?.content['multipart/form-data']

  it('every operation: 405 with Allow and 500; every one but GET /api/upload-limits: 503 with Retry-After', () => {
    for (const { op, name } of operations()) {
      expect(statuses(op), name).toEqual(expect.arrayContaining([405, 500]))
      expect(op.responses['405'].headers.Allow, name).toBeDefined()
      if (name === 'GET /api/upload-limits') {
        expect(statuses(op)).toEqual([200, 405, 500])
        continue
      }
      expect(statuses(op), name).toContain(503)
      expect(op.responses['503'].headers['Retry-After'], name).toBeDefined()
      expect(errorExamples(op.responses['503']).map(e => e.data.message), name).toContain('The service is temporarily unavailable; please retry shortly')
    }
  })

  it('state-changing requests: 403 cross-site; 415 and 413 for JSON bodies, except the multipart upload, which has its own', () => {
    expect(stateChanging().length).toBeGreaterThanOrEqual(13)
    for (const { op, name } of stateChanging()) {
      expect(errorExamples(op.responses['403']).map(e => e.data.message), name).toContain('Cross-site requests are not accepted')
      const messages = [...errorExamples(op.responses['413']), ...errorExamples(op.responses['415'])].map(e => e.data.message)
      const json = ['Send the body as JSON, with Content-Type: application/json', 'The request body is larger than the limit of 64 KiB']
      if (multipart(op)) {
        expect(messages, name).not.toEqual(expect.arrayContaining([json[0]]))
        expect(messages, name).not.toEqual(expect.arrayContaining([json[1]]))
        expect(messages, name).toContain('Send files as multipart/form-data, one part named "file" per file (curl -F file=@report.pdf)')
      }
      else {
        expect(messages, name).toEqual(expect.arrayContaining(json))
      }
    }
    expect(stateChanging().filter(o => multipart(o.op)).map(o => o.name)).toEqual(['POST /api/users/{user_id}/chats/{chat_id}/files'])
    for (const { op, name } of operations().filter(o => o.method === 'get')) expect(statuses(op), name).not.toContain(403)
  })

  it('429 with Retry-After exactly on sign-in, sign-up and the password change', () => {
    const throttled = operations().filter(o => o.op.responses['429']).map(o => o.name).sort()
    expect(throttled).toEqual(['POST /api/auth/login', 'POST /api/auth/password', 'POST /api/auth/sign-up'])
    for (const name of throttled) {
      const [method, path] = name.split(' ') as [string, string]
      expect(doc.paths[path][method.toLowerCase()].responses['429'].headers['Retry-After']).toBeDefined()
    }
  })

  it('401 for missing, revoked, idle or expired sessions on every session route; sign-in\'s 401 is for wrong credentials', () => {
    for (const { op, name } of operations()) {
      if (op.security.length !== 1) continue
      expect(op.responses['401']?.description, name).toMatch(/^Unauthorized \(invalid or missing session\).*signed out.*idle.*older/)
    }
    expect(errorExamples(doc.paths['/api/auth/login'].post.responses['401'])).toEqual([{ statusCode: 401, statusMessage: 'Unauthorized', data: { message: 'Invalid credentials' } }])
    expect(doc.paths['/api/auth/logout'].post.responses['401']).toBeUndefined()
  })

  it('404 where a deletion can race an upload, 409 and 422 where completing checks storage, 503 where storage is used', () => {
    const files = '/api/users/{user_id}/chats/{chat_id}/files'
    expect(statuses(doc.paths[`${files}/uploads`].post)).toContain(404)
    expect(statuses(doc.paths[`${files}/{file_id}/complete`].post)).toEqual(expect.arrayContaining([404, 409, 422]))
    const storage = operations().filter(o => errorExamples(o.op.responses['503'] ?? { content: { 'application/json': { examples: {} } } })
      .some(e => e.data.message === 'File storage is unavailable; nothing was changed, please retry')).map(o => o.name).sort()
    expect(storage).toEqual([
      `GET ${files}`, `GET ${files}/{file_id}/download`, `GET ${files}/{file_id}/thumbnail`,
      `POST ${files}`, `POST ${files}/uploads`, `POST ${files}/{file_id}/complete`,
    ].sort())
  })

  it('examples are what the server answers, word for word', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [])
    const example = (path: string, method: string, status: number, i = 0) => errorExamples(doc.paths[path][method].responses[String(status)])[i]
    const answers = async (res: Response) => ({ status: res.status, body: await res.json() })
    const same = async (res: Response, path: string, method: string, status: number, i = 0) =>
      expect(await answers(res)).toEqual({ status, body: example(path, method, status, i) })

    await same(await fetch('/api/upload-limits', { method: 'PUT' }), '/api/upload-limits', 'get', 405)
    await same(await fetch(`/api/users/${user.id}/chats/${chat.id}/files/uploads`, { method: 'PUT' }), '/api/users/{user_id}/chats/{chat_id}/files/uploads', 'post', 405)
    await same(await api(`/api/users/${user.id}/chats/0/files`, user.cookie), '/api/users/{user_id}/chats/{chat_id}/files', 'get', 400)
    await same(await api(`/api/users/${user.id}/chats/999999/files`, user.cookie), '/api/users/{user_id}/chats/{chat_id}/files', 'get', 404)
    await same(await fetch(`/api/users/${user.id}/chats`), '/api/users/{user_id}/chats', 'get', 401)
    await same(await api(`/api/users/${'x'.repeat(1000)}/chats`, user.cookie, { method: 'POST', body: JSON.stringify({ name: 'a' }) }), '/api/users/{user_id}/chats', 'post', 400, 0)
    await same(await api(`/api/users/${user.id}/chats`, user.cookie, { method: 'POST', body: JSON.stringify({ name: '' }) }), '/api/users/{user_id}/chats', 'post', 400, 1)
    await same(await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: '', password: '' }) }), '/api/auth/login', 'post', 400)
    await same(await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }), '/api/auth/login', 'post', 415)
    await same(await fetch('/api/auth/logout', { method: 'POST', headers: { origin: 'http://evil.example' } }), '/api/auth/logout', 'post', 403)
    const big = await fetch(`/api/users/${user.id}/chats`, { method: 'POST', headers: { 'cookie': user.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'n'.repeat(70 * 1024) }) })
    const tooLarge = errorExamples(doc.paths['/api/users/{user_id}/chats'].post.responses['413'])
    expect(await answers(big)).toEqual({ status: 413, body: tooLarge[0] })
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

  it('answers the spec\'s 401, 404 and 500 in the error shape, with the spec\'s 404 example; and 400, 405, 503', () => {
    const responses = operation().responses
    // The spec's 200, 401, 404 and 500, and what the server also answers: 400 (a malformed id), 405 (another
    // method, with Allow) and 503 (database or storage unreachable).
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '404', '405', '500', '503'])
    for (const status of ['400', '401', '404', '405', '500', '503']) {
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

describe('Nitro\'s own OpenAPI', () => {
  it('is off, with its CDN-loaded Scalar and Swagger UIs', async () => {
    // Not served: these paths fall through to the pages, which send visitors without a session to /login.
    for (const path of ['/_scalar', '/_swagger']) {
      const res = await fetch(path, { redirect: 'manual' })
      expect(res.status, path).not.toBe(200)
      expect(await res.text()).not.toContain('cdn.jsdelivr.net')
    }
  })
})
