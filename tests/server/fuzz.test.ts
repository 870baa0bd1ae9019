import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { getServerLogs } from '@nuxt/test-utils/e2e'
import { afterAll, describe, expect, it } from 'vitest'
import { createChatWithFiles, fetch, password, sessionCookie, setupApp, url, useServices } from '../helpers/app'
import { fetchOpenApiDocument, isDocumented } from '../helpers/openapi'

// Property-based fuzzing of the production build: batches of generated requests over every route and method,
// with and without a valid session, odd paths, bodies, content types, origins and client addresses. The
// property: no 5xx, ever, and every /api error in the contract's shape {statusCode, statusMessage, data: {message}}
// with nothing else in it. FUZZ_SEED reproduces a run, FUZZ_RUNS sets its size (batches of 10 requests).

const seed = Number(process.env.FUZZ_SEED) || Date.now() % 2 ** 31
const runs = Number(process.env.FUZZ_RUNS) || 300
const BATCH = 10

// One trusted proxy, so each request can come from an address of a small pool (throttling gets exercised too).
await setupApp({ NUXT_TRUSTED_PROXIES: '1' })
const services = useServices()

type Role = 'owner' | 'other'
interface Account { email: string, password: string, id: string, cookie: string, chatId: number, fileId: number, pendingId: number, originalHash: string }
const accounts = {} as Record<Role, Account>
let revokedCookie = ''

/** A new session for the account, from an address of its own (never throttled by the fuzz's guesses). */
async function signIn(account: Pick<Account, 'email' | 'password'>) {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.250.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}` }, body: JSON.stringify({ email: account.email, password: account.password }) })
  if (res.status !== 200) throw new Error(`fixture login failed: ${res.status} ${await res.text()}`)
  return sessionCookie(res)
}

/** Signs the account in again; if concurrent password changes left an unknown password, the first is restored. */
async function signInAgain(account: Account) {
  try {
    return await signIn(account)
  }
  catch {
    await services.prisma.user.update({ where: { id: account.id }, data: { passwordHash: account.originalHash } })
    account.password = password
    return signIn(account)
  }
}

/** A fresh chat with a completed and a pending file for the account: the fuzz may have deleted the last ones. */
async function refreshChat(account: Account) {
  const { chat, files: [file] } = await createChatWithFiles(services, account.id, [{ name: 'f.txt', type: 'text/plain', body: 'f' }])
  const pending = await services.prisma.chatConversationFile.create({ data: { chatConversationId: chat.id, name: 'p.txt', size: 1, type: 'text/plain', objectKey: `chats/${chat.id}/${randomUUID()}`, completedAt: null } })
  Object.assign(account, { chatId: chat.id, fileId: file!.id, pendingId: pending.id })
}

async function setUpAccounts() {
  for (const role of ['owner', 'other'] as const) {
    const email = `fuzz-${role}-${randomUUID()}@example.com`
    const res = await fetch('/api/auth/sign-up', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
    const { user } = await res.json() as { user: { id: string } }
    const { passwordHash: originalHash } = await services.prisma.user.findUniqueOrThrow({ where: { id: user.id } })
    accounts[role] = { email, password, id: user.id, cookie: sessionCookie(res), chatId: 0, fileId: 0, pendingId: 0, originalHash }
    await refreshChat(accounts[role])
  }
  revokedCookie = await signIn(accounts.owner)
  await fetch('/api/auth/logout', { method: 'POST', headers: { cookie: revokedCookie } })
}

// — Generators —

const oddSegment = fc.constantFrom('0', '-1', '01', '1e3', '0x10', '2147483648', '99999999999999999999', 'abc', '%00', '%2F', '%2e%2e', '..', '%E2%80%AE', 'ü', '😀', ' ', '%20', 'null', 'undefined', '[object Object]', 'x'.repeat(300), '%ZZ')
/** A path segment decided when the request is sent: an id of the fixtures (as they are then) or an odd value. */
type RefKind = 'ownUser' | 'otherUser' | 'ownChat' | 'otherChat' | 'ownFile' | 'otherFile' | 'pending' | 'uuid'
type Ref = { ref: RefKind } | { odd: string }
const id = (...kinds: RefKind[]) => fc.constantFrom(...kinds).map(ref => ({ ref }) as Ref)
const ref = (...kinds: RefKind[]) => fc.oneof(id(...kinds), oddSegment.map(odd => ({ odd }) as Ref))
const user = ref('ownUser', 'otherUser', 'uuid')
const chat = ref('ownChat', 'otherChat')
const file = ref('ownFile', 'otherFile', 'pending')

const allMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']

const multipart = fc.record({ field: fc.constantFrom('file', 'other'), filename: fc.constantFrom('a.txt', '../../etc/passwd', '', 'ü 😀.pdf'), type: fc.constantFrom('text/plain', 'application/pdf', 'bogus', ''), content: fc.string({ maxLength: 50 }) })
  .map(p => `--XYZ\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.filename}"\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n${p.content}\r\n--XYZ--\r\n`)


// Bodies a route would accept, or nearly: `{{email}}` and `{{password}}` stand for the signed-in account's.
const email = fc.oneof(fc.constant('{{email}}'), fc.emailAddress(), fc.string({ maxLength: 30 }))
const pass = fc.oneof(fc.constant('{{password}}'), fc.string({ maxLength: 30 }), fc.constant('a new passphrase 123'))
const wellFormed = {
  none: fc.constant(undefined),
  credentials: fc.record({ email, password: pass }).map(b => JSON.stringify(b)),
  password: fc.record({ current_password: pass, new_password: pass }).map(b => JSON.stringify(b)),
  chatName: fc.record({ name: fc.oneof(fc.string({ maxLength: 210 }), fc.string({ unit: 'binary', maxLength: 30 })) }).map(b => JSON.stringify(b)),
  upload: fc.record({ name: fc.string({ minLength: 1, maxLength: 60 }), size: fc.oneof(fc.nat(1000), fc.integer(), fc.constant(26214401)), type: fc.constantFrom('text/plain', 'application/pdf', 'text/html', 'x', '') }, { requiredKeys: ['name', 'size'] }).map(b => JSON.stringify(b)),
  multipart,
}

/** A path (its parts, ids still symbolic) with the methods its route serves and bodies it would take. */
const at = (methods: string[], body: fc.Arbitrary<string | undefined>, ...parts: fc.Arbitrary<string | Ref>[]) => fc.tuple(...parts).map(p => ({ parts: p as (string | Ref)[], methods, body }))
const seg = (s: string) => fc.constant(s)
/** Every route, with ids drawn from `ids`; then odd paths. */
const paths = (ids: { user: fc.Arbitrary<Ref>, chat: fc.Arbitrary<Ref>, file: fc.Arbitrary<Ref> }) => fc.oneof(
  at(['POST'], wellFormed.credentials, seg('/api/auth/login')),
  at(['POST'], wellFormed.none, seg('/api/auth/logout')),
  at(['POST'], wellFormed.credentials, seg('/api/auth/sign-up')),
  at(['POST'], wellFormed.password, seg('/api/auth/password')),
  ...(['/api/auth/sessions', '/api/_auth/session'] as const).map(path => at(['GET', 'DELETE'], wellFormed.none, seg(path))),
  ...(['/api/upload-limits', '/_openapi.json'] as const).map(path => at(['GET'], wellFormed.none, seg(path))),
  at(['DELETE'], wellFormed.none, seg('/api/auth/sessions/'), ref('uuid')),
  at(['GET', 'POST'], wellFormed.chatName, seg('/api/users/'), ids.user, seg('/chats')),
  at(['PATCH', 'DELETE'], wellFormed.chatName, seg('/api/users/'), ids.user, seg('/chats/'), ids.chat),
  at(['GET', 'POST'], wellFormed.multipart, seg('/api/users/'), ids.user, seg('/chats/'), ids.chat, seg('/files')),
  at(['POST'], wellFormed.upload, seg('/api/users/'), ids.user, seg('/chats/'), ids.chat, seg('/files/uploads')),
  at(['DELETE'], wellFormed.none, seg('/api/users/'), ids.user, seg('/chats/'), ids.chat, seg('/files/'), ids.file),
  at(['POST'], wellFormed.none, seg('/api/users/'), ids.user, seg('/chats/'), ids.chat, seg('/files/'), ids.file, seg('/complete')),
  at(['GET'], wellFormed.none, seg('/api/users/'), ids.user, seg('/chats/'), ids.chat, seg('/files/'), ids.file, fc.constantFrom('/download', '/download?disposition=attachment', '/download?disposition=evil', '/download?disposition=inline&x=1')),
  at(allMethods, wellFormed.none, seg('/api/users/'), ids.user, seg('/chats/'), ids.chat, seg('/files/'), ids.file, seg('/extra')),
  at(allMethods, wellFormed.none, fc.constantFrom('/api', '/api/', '/api//users', '/api/users', '/api/users/', '/api/nope/', '/api/users/x/chats/1/files/1/complete/more', '/'), fc.constantFrom('', '?', '?a=b', '#frag')),
  at(allMethods, wellFormed.none, seg('/api/'), oddSegment),
)

const fieldValue = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom(password, 'correct horse battery staple', 'owner@example.com', 'text/plain', 'application/pdf', 'image/*', ''), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }))
const jsonObject = fc.dictionary(fc.constantFrom('email', 'password', 'name', 'size', 'type', 'current_password', 'new_password', '__proto__', 'constructor', 'x'), fieldValue, { maxKeys: 5 })
const bodyArb: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: jsonObject.map(o => JSON.stringify(o)), weight: 4 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(v => JSON.stringify(v)), weight: 1 },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 1 },
  { arbitrary: multipart, weight: 2 },
  { arbitrary: fc.constant(JSON.stringify({ name: 'n'.repeat(70 * 1024) })), weight: 1 },
)

/** One of `choices`, each as likely as its weight: requests that get past the first checks stay common. */
function weighted<T>(...choices: [T, number][]): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })))
}

const address = fc.constantFrom('203.0.113.1', '203.0.113.2', '2001:db8:f::1', '2001:db8:f::2', 'not-an-address')

/** Anything goes: each part of the request drawn on its own, ids from every kind, bodies of any shape. */
const anyRequest = paths({ user, chat, file }).chain(({ parts, methods, body }) => fc.record({
  // Mostly a method the route serves, so requests get past the first check; sometimes any method.
  method: fc.oneof({ arbitrary: fc.constantFrom(...methods), weight: 3 }, { arbitrary: fc.constantFrom(...allMethods), weight: 1 }),
  path: fc.constant(parts),
  session: weighted<string>(['owner', 6], ['other', 2], ['none', 1], ['revoked', 1], ['garbage', 1], ['empty', 1]),
  contentType: weighted<string | undefined>([undefined, 3], ['application/json', 6], ['application/json; charset=utf-8', 1], ['multipart/form-data; boundary=XYZ', 2], ['text/plain', 1], ['application/x-www-form-urlencoded', 1], ['multipart/form-data', 1], ['application/xml', 1], ['application/jsonx', 1]),
  // Mostly what the route takes (or nearly), sometimes anything.
  body: fc.oneof({ arbitrary: body as fc.Arbitrary<string | Uint8Array | undefined>, weight: 3 }, { arbitrary: bodyArb, weight: 2 }),
  origin: weighted<string | undefined>([undefined, 6], ['own', 3], ['http://evil.example', 1], ['null', 1]),
  fetchSite: weighted<string | undefined>([undefined, 6], ['same-origin', 3], ['cross-site', 1], ['same-site', 1], ['none', 1]),
  address,
}))

/**
 * As the app's own pages or a careful script would ask: the owner's session and ids, a method the route
 * serves, the body it takes (values still generated) with its content type, same origin. These reach the
 * routes' own code (validation, queries, storage) instead of stopping at the first check.
 */
const ownIds = { user: id('ownUser'), chat: id('ownChat'), file: id('ownFile', 'pending') }
const wellFormedRequest = paths(ownIds).chain(({ parts, methods, body }) => fc.record({
  method: fc.constantFrom(...methods),
  path: fc.constant(parts),
  session: weighted<string>(['owner', 9], ['other', 1]),
  contentType: fc.constant<string | undefined>(undefined),
  body: body as fc.Arbitrary<string | Uint8Array | undefined>,
  origin: fc.constantFrom<string | undefined>(undefined, 'own'),
  fetchSite: fc.constantFrom<string | undefined>(undefined, 'same-origin'),
  address,
})).map(r => ({ ...r, contentType: typeof r.body !== 'string' ? undefined : r.body.startsWith('--XYZ') ? 'multipart/form-data; boundary=XYZ' : 'application/json' }))

const requestArb = fc.oneof(anyRequest, wellFormedRequest)

type FuzzRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never

function resolvePath(parts: (string | Ref)[]): string {
  return parts.map((part) => {
    if (typeof part === 'string') return part
    if ('odd' in part) return part.odd
    const { owner, other } = accounts
    return {
      ownUser: owner.id, otherUser: other.id, uuid: randomUUID(),
      ownChat: String(owner.chatId), otherChat: String(other.chatId),
      ownFile: String(owner.fileId), otherFile: String(other.fileId), pending: String(owner.pendingId),
    }[part.ref]
  }).join('')
}

function describeRequest(r: FuzzRequest, path: string) {
  return `${r.method} ${path} session=${r.session} type=${r.contentType} origin=${r.origin} site=${r.fetchSite} body=${typeof r.body === 'string' ? JSON.stringify(r.body.slice(0, 80)) : r.body ? `<${r.body.length} bytes>` : 'none'}`
}

const stats = { requests: 0, byStatus: new Map<number, number>() }
/** Every /api answer seen: method, path and status, to be found in the OpenAPI document. */
const seen: { method: string, pathname: string, status: number }[] = []

async function send(r: FuzzRequest) {
  const path = resolvePath(r.path)
  const cookie = { owner: accounts.owner.cookie, other: accounts.other.cookie, revoked: revokedCookie, garbage: 'neptun-session=Fe26.2**garbage*x*y', empty: 'neptun-session=', none: undefined }[r.session]
  const headers: Record<string, string> = { 'x-forwarded-for': r.address }
  if (cookie) headers.cookie = cookie
  if (r.contentType) headers['content-type'] = r.contentType
  if (r.origin) headers.origin = r.origin === 'own' ? new URL(url('/')).origin : r.origin
  if (r.fetchSite) headers['sec-fetch-site'] = r.fetchSite
  const account = r.session === 'other' ? accounts.other : accounts.owner
  const filled = typeof r.body === 'string' ? r.body.replaceAll('{{email}}', account.email).replaceAll('{{password}}', account.password) : r.body
  const body = (r.method === 'GET' || r.method === 'HEAD' ? undefined : filled) as BodyInit | undefined
  const res = await fetch(path, { method: r.method, headers, body, redirect: 'manual' })
  const text = await res.text()
  stats.requests++
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1)
  const what = `${describeRequest(r, path)} → ${res.status} ${text.slice(0, 200)}`
  // The server's side of a fault, for whoever reproduces it.
  if (res.status >= 500) console.error(`[fuzz] server log:\n${getServerLogs().slice(-30).join('\n')}`)

  expect(res.status, what).toBeLessThan(500)
  expect(text, what).not.toMatch(/\bat\s+\S+\.m?js:\d+|node_modules|prisma\.|SELECT |ECONN/)
  const pathname = new URL(url(path)).pathname
  if (pathname.startsWith('/api/')) seen.push({ method: r.method, pathname, status: res.status })
  if (pathname.startsWith('/api/') && res.status >= 300 && res.status < 400) {
    // The one redirect the API makes: a stable download link, to the storage. (Pages may send you to /login.)
    expect(pathname, what).toMatch(/\/download$/)
    expect(res.headers.get('location'), what).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
  }
  if (pathname.startsWith('/api/') && res.status >= 400 && r.method !== 'HEAD') {
    expect(res.headers.get('content-type'), what).toMatch(/^application\/json/)
    const error = JSON.parse(text)
    expect(Object.keys(error).sort(), what).toEqual(['data', 'statusCode', 'statusMessage'])
    expect(Object.keys(error.data), what).toEqual(['message'])
    expect(error.statusCode, what).toBe(res.status)
    expect(typeof error.statusMessage, what).toBe('string')
    expect(typeof error.data.message === 'string' && error.data.message.length > 0, what).toBe(true)
  }
  return { res, path, body }
}

/** Keeps the fixtures usable: sessions the fuzz ended are started again, passwords it changed are learnt. */
async function afterRequest(r: FuzzRequest, path: string, status: number, body: unknown) {
  if (r.session !== 'owner' && r.session !== 'other') return
  const account = accounts[r.session]
  if (path === '/api/auth/password' && status === 204) account.password = JSON.parse(String(body)).new_password
  const ended = status < 300 && (['/api/auth/logout', '/api/_auth/session', '/api/auth/sessions'].includes(path) && r.method !== 'GET' || path.startsWith('/api/auth/sessions/'))
  if (ended || status === 401) account.cookie = await signInAgain(account)
}

afterAll(() => {
  console.log(`[fuzz] seed=${seed} runs=${runs}: ${stats.requests} requests; statuses ${[...stats.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`)
})

describe('fuzzing the API', () => {
  it(`no 5xx and every /api error in the contract's shape (seed ${seed}, ${runs} batches of ${BATCH}; FUZZ_SEED=${seed} reproduces)`, { timeout: 600_000 }, async () => {
    console.log(`[fuzz] seed=${seed} runs=${runs} (reproduce: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npx vitest run tests/server/fuzz.test.ts)`)
    await setUpAccounts()
    let batches = 0
    await fc.assert(
      fc.asyncProperty(fc.array(requestArb, { minLength: BATCH, maxLength: BATCH }), async (requests) => {
        // Every 20 batches, fresh chats and files: the fuzz deletes them as it goes.
        if (++batches % 20 === 0) await Promise.all([refreshChat(accounts.owner), refreshChat(accounts.other)])
        const results = await Promise.all(requests.map(send))
        for (const [i, { res, path, body }] of results.entries()) await afterRequest(requests[i]!, path, res.status, body)
      }),
      { seed, numRuns: runs, endOnFailure: true },
    )
  })

  it('saw only statuses the OpenAPI document lists for the route that answered', async () => {
    expect(seen.length).toBeGreaterThan(runs * BATCH / 2)
    const doc = await fetchOpenApiDocument()
    const undocumented = new Map<string, string>()
    const covered = new Set<string>()
    for (const { method, pathname, status } of seen) {
      const { documented, name } = isDocumented(doc, method, pathname, status)
      if (!documented) undocumented.set(`${name} → ${status}`, `${method} ${pathname}`)
      else if (!name.includes('(no documented route)')) covered.add(`${name} ${status}`)
    }
    console.log(`[fuzz] ${covered.size} documented (operation, status) pairs seen`)
    expect(Object.fromEntries(undocumented), 'statuses answered but not documented (an example request each)').toEqual({})
  })
})
