import { randomUUID } from 'node:crypto'
import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { api, createChatWithFiles, fetch, setupApp, signUpUser, url, useServices } from '../../helpers/app'
import { expectApiError } from '../../helpers/contract'

// server/middleware/api-guard.ts against the production build: methods a path does not serve, cross-site
// requests, bodies of the wrong type and bodies too large. Everything is refused before a route runs.

await setupApp()
const services = useServices()
const { prisma } = services

type Json = Record<string, any>
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']

/**
 * Every documented /api path with its parameters filled in, and the methods the document lists for it; and
 * nuxt-auth-utils' own route, which the document leaves out.
 */
async function documentedPaths(userId: string, chatId: number, fileId: number) {
  const doc = await (await fetch('/_openapi.json')).json() as Json
  const values: Record<string, string> = { user_id: userId, chat_id: String(chatId), file_id: String(fileId), session_id: randomUUID() }
  const templates = [...Object.entries<Json>(doc.paths), ['/api/_auth/session', { get: {}, delete: {} }] as [string, Json]]
  // h3's router falls back from a static segment to a parameter (…/files/uploads is also …/files/{file_id}):
  // a concrete path is served by every documented template it matches.
  const matchers = templates.map(([path, item]) => ({
    pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    methods: Object.keys(item).map(m => m.toUpperCase()),
  }))
  return templates.map(([path]) => {
    const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]!)
    const allowed = new Set(matchers.filter(m => m.pattern.test(concrete)).flatMap(m => m.methods))
    if (allowed.has('GET')) allowed.add('HEAD')
    return { path: concrete, allowed: [...allowed].sort() }
  })
}

describe('a method the path does not serve', () => {
  it('answers 405 with Allow in the contract shape on every documented path, with and without a session, never a redirect', async () => {
    const user = await signUpUser()
    const { chat, files: [file] } = await createChatWithFiles(services, user.id, [{ name: 'a.txt', type: 'text/plain', body: 'a' }])
    const paths = await documentedPaths(user.id, chat.id, file!.id)
    expect(paths.length).toBeGreaterThanOrEqual(15)
    let checked = 0
    for (const { path, allowed } of paths) {
      for (const method of methods.filter(m => !allowed.includes(m))) {
        for (const cookie of [user.cookie, undefined]) {
          const res = await fetch(path, { method, headers: cookie ? { cookie } : {}, redirect: 'manual' })
          expect(res.status, `${method} ${path}`).toBe(405)
          expect(res.headers.get('allow'), `${method} ${path}`).toBe(allowed.join(', '))
          expect(res.headers.get('location')).toBeNull()
          if (method !== 'HEAD') expect((await expectApiError(res, 405, 'Method Not Allowed')).data.message).toBe(`${method} is not supported here (allowed: ${allowed.join(', ')})`)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(150)
    // Nothing was changed by any of them.
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(1)
  })

  it('HEAD is served wherever GET is: the same status and headers, no body', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [{ name: 'a.txt', type: 'text/plain', body: 'a' }])
    for (const path of [`/api/users/${user.id}/chats/${chat.id}/files`, `/api/users/${user.id}/chats`, '/api/upload-limits']) {
      const [get, head] = await Promise.all([api(path, user.cookie), fetch(path, { method: 'HEAD', headers: { cookie: user.cookie } })])
      expect(head.status).toBe(200)
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'))
      expect(await head.text()).toBe('')
    }
    expect((await fetch(`/api/users/${user.id}/chats`, { method: 'HEAD' })).status).toBe(401)
  })

  it('unknown /api paths keep their 404, whatever the method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      await expectApiError(fetch('/api/no/such/route', { method, redirect: 'manual' }), 404, 'Not Found')
    }
  })
})

describe('cross-site requests', () => {
  const evil = 'http://evil.example'

  it('every state-changing route refuses a request a browser marks as cross-site (Origin or Sec-Fetch-Site), changing nothing', async () => {
    const user = await signUpUser()
    const { chat, files: [file] } = await createChatWithFiles(services, user.id, [{ name: 'a.txt', type: 'text/plain', body: 'a' }])
    const base = `/api/users/${user.id}/chats`
    const pending = await prisma.chatConversationFile.create({ data: { chatConversationId: chat.id, name: 'p', size: 1, type: 'text/plain', objectKey: `chats/${chat.id}/${randomUUID()}`, completedAt: null } })
    const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) })
    const requests: [string, string, { 'content-type'?: string, body?: string }][] = [
      ['POST', '/api/auth/login', json({ email: user.email, password: 'correct horse battery' })],
      ['POST', '/api/auth/sign-up', json({ email: `x-${randomUUID()}@example.com`, password: 'correct horse battery' })],
      ['POST', '/api/auth/logout', {}],
      ['DELETE', '/api/_auth/session', {}],
      ['POST', '/api/auth/password', json({ current_password: 'correct horse battery', new_password: 'another fine password' })],
      ['DELETE', '/api/auth/sessions', {}],
      ['DELETE', `/api/auth/sessions/${randomUUID()}`, {}],
      ['POST', base, json({ name: 'forged' })],
      ['PATCH', `${base}/${chat.id}`, json({ name: 'forged' })],
      ['DELETE', `${base}/${chat.id}`, {}],
      ['POST', `${base}/${chat.id}/files/uploads`, json({ name: 'x.txt', size: 1, type: 'text/plain' })],
      ['POST', `${base}/${chat.id}/files/${pending.id}/complete`, {}],
      ['POST', `${base}/${chat.id}/files`, { 'content-type': 'multipart/form-data; boundary=b', 'body': '--b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n' }],
      ['DELETE', `${base}/${chat.id}/files/${file!.id}`, {}],
    ]
    const forms = requests.map(([method, path, { body }]): typeof requests[number] => [method, path, body ? { 'content-type': 'application/x-www-form-urlencoded', 'body': 'name=forged' } : {}])
    const crossSite: Record<string, string>[] = [{ origin: evil }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', 'origin': 'http://other.localhost' }, { origin: 'null' }]
    for (const headers of crossSite) {
      for (const [method, path, init] of [...requests, ...forms]) {
        const type: Record<string, string> = init['content-type'] ? { 'content-type': init['content-type'] } : {}
        const res = await fetch(path, { method, headers: { cookie: user.cookie, ...headers, ...type }, body: init.body, redirect: 'manual' })
        const body = await expectApiError(res, 403, 'Forbidden')
        expect(body.data.message, `${method} ${path}`).toBe('Cross-site requests are not accepted')
        expect(res.headers.getSetCookie().filter(c => c.startsWith('neptun-session='))).toEqual([])
      }
    }
    // Nothing changed: the session, the chat, its files, the password, no new user or chat.
    expect((await api(base, user.cookie)).status).toBe(200)
    expect((await prisma.chatConversation.findMany({ where: { userId: user.id }, select: { name: true } }))).toEqual([{ name: 'Test chat' }])
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(2)
    expect((await prisma.chatConversationFile.findUniqueOrThrow({ where: { id: pending.id } })).completedAt).toBeNull()
    expect((await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: 'correct horse battery' }) })).status).toBe(200)
  })

  it('the app\'s own pages (same origin) and clients without Origin (curl, scripts) pass', async () => {
    const user = await signUpUser()
    const base = `/api/users/${user.id}/chats`
    const origin = new URL(url('/')).origin
    const sameSite: Record<string, string>[] = [{ 'origin': origin, 'sec-fetch-site': 'same-origin' }, { origin }, {}, { 'sec-fetch-site': 'none' }]
    for (const headers of sameSite) {
      const res = await fetch(base, { method: 'POST', headers: { 'cookie': user.cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'mine' }) })
      expect(res.status).toBe(201)
    }
    // nuxt-auth-utils' own DELETE, as useUserSession().clear() sends it from a page.
    expect((await fetch('/api/_auth/session', { method: 'DELETE', headers: { 'cookie': user.cookie, origin, 'sec-fetch-site': 'same-origin' } })).status).toBe(200)
  })

  it('a form posted from another site cannot sign a browser in (login CSRF)', async () => {
    const user = await signUpUser()
    const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'origin': evil }, body: `email=${encodeURIComponent(user.email)}&password=correct+horse+battery`, redirect: 'manual' })
    await expectApiError(res, 403)
    expect(res.headers.getSetCookie().filter(c => c.startsWith('neptun-session='))).toEqual([])
  })
})

describe('request bodies', () => {
  it('JSON routes take application/json only: forms and text get 415 and change nothing', async () => {
    const user = await signUpUser()
    const base = `/api/users/${user.id}/chats`
    for (const [type, body] of [['application/x-www-form-urlencoded', 'name=x'], ['text/plain', '{"name":"x"}'], ['multipart/form-data; boundary=b', '--b--\r\n'], ['', '{"name":"x"}']]) {
      const res = await fetch(base, { method: 'POST', headers: { cookie: user.cookie, ...(type ? { 'content-type': type } : {}) }, body })
      expect((await expectApiError(res, 415, 'Unsupported Media Type')).data.message).toBe('Send the body as JSON, with Content-Type: application/json')
    }
    await expectApiError(fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ email: user.email, password: 'correct horse battery' }) }), 415)
    expect(await prisma.chatConversation.count({ where: { userId: user.id } })).toBe(0)
    // Routes without a body take requests without one, typed or not.
    expect((await fetch('/api/auth/logout', { method: 'POST', headers: { cookie: user.cookie } })).status).toBe(204)
  })

  it('a JSON body within the limit is read as usual, a Content-Length above 64 KiB is refused before the body is read', async () => {
    const user = await signUpUser()
    const base = `/api/users/${user.id}/chats`
    // Within the limit: validation answers (the name is too long), not the limit.
    const near = JSON.stringify({ name: 'n'.repeat(64 * 1024 - 20) })
    expect(Buffer.byteLength(near)).toBeLessThanOrEqual(64 * 1024)
    expect((await api(base, user.cookie, { method: 'POST', body: near })).status).toBe(400)
    expect((await api(base, user.cookie, { method: 'POST', body: JSON.stringify({ name: 'n'.repeat(64 * 1024) }) })).status).toBe(413)

    // 50 MB announced, 1 KiB sent, the connection held open: the answer comes without the rest.
    const started = Date.now()
    const res = await rawRequest(base, { 'cookie': user.cookie, 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) }, async (req) => {
      req.write('{"name":"' + 'x'.repeat(1024))
    })
    expect(res.status).toBe(413)
    expect(res.headers.connection).toBe('close')
    expect(JSON.parse(res.body)).toEqual({ statusCode: 413, statusMessage: 'Payload Too Large', data: { message: 'The request body is larger than the limit of 64 KiB' } })
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('a chunked JSON body is counted while read and cut off at the limit', async () => {
    const user = await signUpUser()
    let sent = 0
    const res = await rawRequest(`/api/users/${user.id}/chats`, { 'cookie': user.cookie, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, async (req, answered) => {
      const chunk = Buffer.alloc(64 * 1024, 'x')
      req.write('{"name":"')
      // Up to 50 MB, but only until the server has answered.
      while (sent < 50 * 1024 * 1024 && !answered() && !req.destroyed) {
        if (!req.write(chunk)) await new Promise(resolve => setTimeout(resolve, 5))
        sent += chunk.length
      }
    })
    expect(res.status).toBe(413)
    expect(sent).toBeLessThan(16 * 1024 * 1024)
    expect(await prisma.chatConversation.count({ where: { userId: user.id } })).toBe(0)
    // The server goes on serving.
    expect((await api(`/api/users/${user.id}/chats`, user.cookie)).status).toBe(200)
    // A chunked body within the limit is read as usual.
    const small = await rawRequest(`/api/users/${user.id}/chats`, { 'cookie': user.cookie, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, async (req) => {
      req.write('{"name":')
      req.write('"chunked"}')
    }, true)
    expect(small.status).toBe(201)
  })
})

/**
 * A request on a raw socket: `send` writes what it wants (the request is ended afterwards only when `end` is
 * set); resolves with the response as soon as it is complete, whatever is still being sent.
 */
function rawRequest(path: string, headers: Record<string, string>, send: (req: ReturnType<typeof request>, answered: () => boolean) => Promise<void>, end = false) {
  return new Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: string }>((resolve, reject) => {
    let done = false
    const req = request(url(path), { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        done = true
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() })
        req.destroy()
      })
    })
    req.on('error', error => done || reject(error))
    send(req, () => done).then(() => end && req.end()).catch(error => done || reject(error))
  })
}
