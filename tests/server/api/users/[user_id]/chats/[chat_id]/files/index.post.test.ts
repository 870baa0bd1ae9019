import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { connect } from 'node:net'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { useTestContext } from '@nuxt/test-utils/e2e'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ChatFile, GetChatFilesResponse, UploadChatFilesResponse } from '../../../../../../../../shared/types/api'
import { createChatWithFiles, fetch, setupApp, signUpUser, url, useServices } from '../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../helpers/contract'
import { listMultipartUploads } from '../../../../../../../helpers/storage'
import { tinyPdf, tinyPng } from '../../../../../../../../prisma/seed'
import { sanitizeFileName } from '../../../../../../../../server/utils/files'

const MAX_BYTES = 8 * 1024 * 1024
const MAX_FILES = 5
await setupApp({ NUXT_UPLOAD_MAX_BYTES: String(MAX_BYTES), NUXT_UPLOAD_MAX_FILES_PER_CHAT: String(MAX_FILES), NUXT_UPLOAD_ALLOWED_TYPES: '' })
const services = useServices()
const { prisma, s3, bucket } = services

type User = Awaited<ReturnType<typeof signUpUser>>
const filesPath = (userId: string, chatId: number | string) => `/api/users/${userId}/chats/${chatId}/files`

/** A form with one `file` part per entry, as browsers and undici send it. */
function form(...files: { name: string, body: Buffer | string, type?: string }[]) {
  const data = new FormData()
  for (const f of files) data.append('file', new Blob([typeof f.body === 'string' ? f.body : Uint8Array.from(f.body)], { type: f.type ?? '' }), f.name)
  return data
}

function upload(user: User, chatId: number | string, body: BodyInit, headers: Record<string, string> = {}) {
  return fetch(filesPath(user.id, chatId), { method: 'POST', headers: { cookie: user.cookie, ...headers }, body })
}

async function uploaded(res: Response): Promise<ChatFile[]> {
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${await res.text()}`)
  const body = await res.json() as UploadChatFilesResponse
  expect(Object.keys(body)).toEqual(['chatFiles'])
  return body.chatFiles
}

/** The chat's stored files (thumbnails, made in the background for images, are the thumbnail route's concern). */
async function objectsOf(chatId: number) {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `chats/${chatId}/` }))
  return (listed.Contents ?? []).map(o => o.Key!).filter(key => !key.endsWith('.thumb.webp'))
}

/** Neither a row nor an object beyond the `rows` the chat held before. */
async function expectNothingAdded(chatId: number, before: string[] = []) {
  const rows = await prisma.chatConversationFile.findMany({ where: { chatConversationId: chatId }, select: { objectKey: true } })
  expect(rows.map(r => r.objectKey).sort()).toEqual([...before].sort())
  expect((await objectsOf(chatId)).sort()).toEqual([...before].sort())
}

async function eventually(check: () => Promise<void>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await check()
    }
    catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
}

/** A multipart body built by hand, for what FormData cannot express (filename*, streaming, bad bodies). */
const boundary = `----chat-files-${randomBytes(8).toString('hex')}`
const partHead = (disposition: string, type = 'application/octet-stream') =>
  `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: ${type}\r\n\r\n`
const closing = `--${boundary}--\r\n`
const multipartType = `multipart/form-data; boundary=${boundary}`

/** A POST through node:http on a connection of its own, whose body the test writes (and may cut off) itself. */
function rawPost(user: User, chatId: number, headers: Record<string, string | number>) {
  const req = request(url(filesPath(user.id, chatId)), { method: 'POST', agent: false, headers: { cookie: user.cookie, 'content-type': multipartType, ...headers } })
  const response = new Promise<{ status: number, body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
  })
  return { req, response }
}

const write = (req: ReturnType<typeof request>, data: string | Buffer) => new Promise<void>((resolve, reject) => req.write(data, e => (e ? reject(e) : resolve())))

async function download(file: ChatFile) {
  const res = await globalThis.fetch(file.url)
  expect(res.status).toBe(200)
  return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') }
}

describe('POST /api/users/[user_id]/chats/[chat_id]/files', () => {
  let alice: User, bob: User
  beforeAll(async () => {
    alice = await signUpUser()
    bob = await signUpUser()
  })
  const newChat = async (owner: User = alice) => (await createChatWithFiles(services, owner.id, [])).chat

  it('stores one file: 201 with exactly a listing entry, listed afterwards, its URL downloads the bytes', async () => {
    const chat = await newChat()
    const pdf = tinyPdf('uploaded through the server')
    const before = Date.now()
    const res = await upload(alice, chat.id, form({ name: 'report.pdf', body: pdf, type: 'application/pdf' }))
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const [file, ...rest] = await uploaded(res)
    expect(rest).toEqual([])
    expect(Object.keys(file!).sort()).toEqual(['chat_conversation_id', 'created_at', 'id', 'name', 'size', 'type', 'url'])
    expect(file).toMatchObject({ chat_conversation_id: chat.id, name: 'report.pdf', size: pdf.length, type: 'application/pdf' })
    expect(Number.isInteger(file!.id)).toBe(true)
    expect(file!.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(Date.parse(file!.created_at)).toBeGreaterThanOrEqual(before - 1000)

    const listing = await (await fetch(filesPath(alice.id, chat.id), { headers: { cookie: alice.cookie } })).json() as GetChatFilesResponse
    expect(listing.chatFiles.map(({ url: _, ...f }) => f)).toEqual([(({ url: _, ...f }) => f)(file!)])
    expect(await download(file!)).toEqual({ bytes: pdf, type: 'application/pdf' })
    const row = await prisma.chatConversationFile.findUniqueOrThrow({ where: { id: file!.id } })
    expect(row.completedAt).not.toBeNull()
    expect(row.objectKey).toMatch(new RegExp(`^chats/${chat.id}/[0-9a-f-]{36}$`))
  })

  it('stores several files in part order, one of them streamed in several 5 MiB parts', async () => {
    const chat = await newChat()
    const files = [
      { name: 'photo.png', body: tinyPng(16, 16), type: 'image/png', stored: 'image/png' },
      { name: 'big.bin', body: randomBytes(6 * 1024 * 1024 + 123), type: 'application/octet-stream', stored: 'application/octet-stream' },
      { name: 'notes.txt', body: Buffer.from('Grüße\n'), type: 'text/plain;charset=utf-8', stored: 'text/plain' },
      { name: 'untyped', body: Buffer.from('no type given'), type: '', stored: 'application/octet-stream' },
      { name: 'report.pdf', body: tinyPdf('last'), type: 'application/pdf', stored: 'application/pdf' },
    ]
    const chatFiles = await uploaded(await upload(alice, chat.id, form(...files)))
    expect(chatFiles.map(f => [f.name, f.size, f.type])).toEqual(files.map(f => [f.name, f.body.length, f.stored]))
    expect(chatFiles.map(f => f.id)).toEqual([...chatFiles.map(f => f.id)].sort((a, b) => a - b))
    expect(new Set(chatFiles.map(f => f.created_at)).size).toBe(1)

    const listing = await (await fetch(filesPath(alice.id, chat.id), { headers: { cookie: alice.cookie } })).json() as GetChatFilesResponse
    expect(listing.chatFiles.map(({ url: _, ...f }) => f)).toEqual(chatFiles.map(({ url: _, ...f }) => f))
    for (const [i, file] of chatFiles.entries()) {
      const got = await download(file)
      expect(got.bytes.equals(files[i]!.body)).toBe(true)
      expect(got.type).toBe(files[i]!.stored)
    }
    expect(await objectsOf(chat.id)).toHaveLength(files.length)
  })

  it('keeps non-ASCII names and sanitizes path separators and control or bidi characters', async () => {
    const chat = await newChat()
    const chatFiles = await uploaded(await upload(alice, chat.id, form(
      { name: 'Grüße – naïve ☕.txt', body: 'a', type: 'text/plain' },
      { name: '../../etc/passwd', body: 'b', type: 'text/plain' },
      { name: 'evil\u202Etxt.exe', body: 'c', type: 'text/plain' },
      { name: '   ', body: 'd', type: 'text/plain' },
    )))
    expect(chatFiles.map(f => f.name)).toEqual(['Grüße – naïve ☕.txt', '.._.._etc_passwd', 'eviltxt.exe', 'file'])

    // RFC 5987 filename* can carry what a quoted filename cannot: control characters, backslashes.
    const raw = 'C:\\Users\\me\\a\u0007b\nc\td.txt'
    const body = `${partHead(`name="file"; filename*=UTF-8''${encodeURIComponent(raw)}`, 'text/plain')}x\r\n${closing}`
    const [file] = await uploaded(await upload(alice, chat.id, body, { 'content-type': multipartType }))
    expect(file!.name).toBe(sanitizeFileName(raw))
    expect(file!.name).toMatch(/^C:_Users_me_a ?b ?c ?d\.txt$/)
  })

  it('accepts an empty file', async () => {
    const chat = await newChat()
    const [file] = await uploaded(await upload(alice, chat.id, form({ name: 'empty.txt', body: '', type: 'text/plain' })))
    expect(file).toMatchObject({ name: 'empty.txt', size: 0, type: 'text/plain' })
    expect((await download(file!)).bytes.length).toBe(0)
  })

  it('accepts a file of exactly the size limit; one byte more is 413 and leaves neither row nor object', async () => {
    const chat = await newChat()
    const exact = randomBytes(MAX_BYTES)
    const [file] = await uploaded(await upload(alice, chat.id, form({ name: 'exact.bin', body: exact })))
    expect(file!.size).toBe(MAX_BYTES)
    const kept = await objectsOf(chat.id)

    // A first file is stored before the second one goes over the limit: it is removed again.
    const res = await upload(alice, chat.id, form({ name: 'ok.txt', body: 'fine', type: 'text/plain' }, { name: 'too-big.bin', body: randomBytes(MAX_BYTES + 1) }))
    expect(await expectApiError(res, 413, 'Payload Too Large')).toEqual({ statusCode: 413, statusMessage: 'Payload Too Large', data: { message: 'File is larger than the limit of 8 MiB' } })
    await expectNothingAdded(chat.id, kept)
  })

  it('keeps the connection usable after a failure in the middle of the body (the rest is read and dropped)', async () => {
    const chat = await newChat()
    const body = Buffer.concat([Buffer.from(partHead('name="file"; filename="too-big.bin"')), randomBytes(MAX_BYTES + 1_000_000), Buffer.from(`\r\n${closing}`)])
    const target = new URL(url(filesPath(alice.id, chat.id)))
    const socket = connect(Number(target.port), target.hostname)
    let received = ''
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')))
    socket.write(`POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nCookie: ${alice.cookie}\r\nContent-Type: ${multipartType}\r\nContent-Length: ${body.length}\r\n\r\n`)
    // Sent in steps, so that the server fails while more of the body is still to come.
    for (let at = 0; at < body.length; at += 1024 * 1024) {
      socket.write(body.subarray(at, at + 1024 * 1024))
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    await eventually(async () => expect(received).toMatch(/^HTTP\/1\.1 413 [\s\S]*File is larger than the limit/))
    // The next request on the same connection is understood: nothing of the old body was left unread.
    socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nCookie: ${alice.cookie}\r\n\r\n`)
    await eventually(async () => expect(received).toMatch(/HTTP\/1\.1 200 OK[\s\S]*\{"chatFiles":\[\]\}/))
    socket.destroy()
    await expectNothingAdded(chat.id)
  })

  it('refuses a declared Content-Length no request within the limits could have, before reading the body', async () => {
    const chat = await newChat()
    const { req, response } = rawPost(alice, chat.id, { 'content-length': MAX_FILES * (MAX_BYTES + 17 * 1024) + 1 })
    req.flushHeaders()
    const { status, body } = await response
    req.destroy()
    expect(status).toBe(413)
    expect(JSON.parse(body).data.message).toMatch(/^The request is larger than 5 files of at most 8 MiB each/)
    await expectNothingAdded(chat.id)
  })

  it('counts files already in the chat and earlier parts against the files-per-chat limit (413, nothing left)', async () => {
    const { chat, files } = await createChatWithFiles(services, alice.id, [1, 2, 3].map(i => ({ name: `${i}.txt`, type: 'text/plain', body: `${i}` })))
    const before = files.map(f => f.objectKey)
    const three = form(...['a', 'b', 'c'].map(n => ({ name: `${n}.txt`, body: n, type: 'text/plain' })))
    expect((await expectApiError(upload(alice, chat.id, three), 413, 'Payload Too Large')).data.message).toBe('A chat can hold at most 5 files')
    await expectNothingAdded(chat.id, before)

    const two = await uploaded(await upload(alice, chat.id, form(...['a', 'b'].map(n => ({ name: `${n}.txt`, body: n, type: 'text/plain' })))))
    expect(two).toHaveLength(2)
    // Full: refused before the body is read.
    await expectApiError(upload(alice, chat.id, form({ name: 'x.txt', body: 'x', type: 'text/plain' })), 413, 'Payload Too Large')
    expect(await objectsOf(chat.id)).toHaveLength(MAX_FILES)
  })

  it('answers 415 for a body that is not multipart/form-data, and stores nothing', async () => {
    const chat = await newChat()
    for (const [type, body] of [['application/json', '{"file":"x"}'], ['application/x-www-form-urlencoded', 'file=x'], ['text/plain', 'x'], ['application/octet-stream', 'x']] as const) {
      expect((await expectApiError(upload(alice, chat.id, body, { 'content-type': type }), 415, 'Unsupported Media Type')).data.message).toMatch(/multipart\/form-data/)
    }
    await expectApiError(fetch(filesPath(alice.id, chat.id), { method: 'POST', headers: { cookie: alice.cookie } }), 415)
    await expectNothingAdded(chat.id)
  })

  it('answers 400 for malformed multipart bodies, no file, other parts and invalid types, leaving nothing behind', async () => {
    const chat = await newChat()
    const file = (name: string, data = 'x') => `${partHead(`name="file"; filename="${name}"`, 'text/plain')}${data}\r\n`
    const cases: [string, string, string, RegExp][] = [
      ['no boundary', 'multipart/form-data', file('a.txt') + closing, /boundary/i],
      ['no closing boundary', multipartType, file('a.txt') + file('b.txt'), /Unexpected end of form/],
      ['empty body', multipartType, '', /Unexpected end of form/],
      ['no parts', multipartType, closing, /No file in the request/],
      ['a part not named file', multipartType, file('a.txt') + partHead('name="attachment"; filename="b.txt"') + 'b\r\n' + closing, /Unexpected part "attachment"/],
      ['a text field', multipartType, file('a.txt') + `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n` + closing, /Unexpected part "note"/],
      ['file without filename', multipartType, `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nhello\r\n` + closing, /must be a file/],
      ['invalid type', multipartType, file('a.txt') + partHead('name="file"; filename="b.bin"', 'image/we|rd') + 'b\r\n' + closing, /valid Content-Type/],
      ['control character in a quoted filename', multipartType, file('a.txt') + file('b\u0007.txt') + closing, /Malformed/],
    ]
    for (const [what, type, body, message] of cases) {
      const error = await expectApiError(upload(alice, chat.id, body, { 'content-type': type }), 400, 'Bad Request')
      expect(error.data.message, what).toMatch(message)
      await expectNothingAdded(chat.id)
    }
  })

  it('answers 401 without a session, 404 for anyone else\'s chat or user, 400 for a malformed chat id', async () => {
    const chat = await newChat()
    const bobChat = await newChat(bob)
    const body = () => form({ name: 'a.txt', body: 'a', type: 'text/plain' })
    await expectApiError(fetch(filesPath(alice.id, chat.id), { method: 'POST', body: body() }), 401, 'Unauthorized')
    for (const [who, userId, chatId] of [[alice, alice.id, bobChat.id], [alice, bob.id, bobChat.id], [bob, alice.id, chat.id], [alice, alice.id, 2_147_483_647]] as const) {
      const res = await fetch(filesPath(userId, chatId), { method: 'POST', headers: { cookie: who.cookie }, body: body() })
      expect(await expectApiError(res, 404)).toEqual({ statusCode: 404, statusMessage: 'Not Found', data: { message: 'Chat not found' } })
    }
    for (const chatId of ['abc', '0', '-1', '1.5', '2147483648']) {
      await expectApiError(upload(alice, chatId, body()), 400, 'Bad Request')
    }
    await expectNothingAdded(chat.id)
    await expectNothingAdded(bobChat.id)
  })

  it('leaves no object and no row when the client aborts mid-upload', async () => {
    const chat = await newChat()
    const { req, response } = rawPost(alice, chat.id, { 'content-length': 7 * 1024 * 1024 + 10_000 })
    response.catch(() => {})
    // A whole first file, then most of a second one: past its first 5 MiB part, so a multipart upload is under way.
    // (A part ends where the next boundary begins: the first file is stored once the second's head arrives.)
    await write(req, `${partHead('name="file"; filename="first.txt"', 'text/plain')}complete\r\n${partHead('name="file"; filename="second.bin"')}`)
    await eventually(async () => expect(await objectsOf(chat.id)).toHaveLength(1))
    for (let i = 0; i < 6; i++) await write(req, randomBytes(1024 * 1024))
    await new Promise(resolve => setTimeout(resolve, 300))
    req.destroy()
    await eventually(() => expectNothingAdded(chat.id))
    // And it stays so: nothing lands late.
    await new Promise(resolve => setTimeout(resolve, 1000))
    await expectNothingAdded(chat.id)
  })

  it('a file refused after its first parts reached storage (413) leaves no multipart upload behind: it is aborted', async () => {
    const chat = await newChat()
    const { req, response } = rawPost(alice, chat.id, { 'content-length': MAX_BYTES + 2 * 1024 * 1024 })
    await write(req, partHead('name="file"; filename="too-big.bin"'))
    for (let i = 0; i < 6; i++) await write(req, randomBytes(1024 * 1024))
    // Past the first 5 MiB part: a multipart upload is under way in storage (so this test can fail).
    await eventually(async () => expect(await listMultipartUploads(`chats/${chat.id}/`)).toHaveLength(1))
    for (let i = 0; i < 3; i++) await write(req, randomBytes(1024 * 1024))
    req.end()
    const { status, body } = await response
    expect(status).toBe(413)
    expect(JSON.parse(body).data.message).toBe('File is larger than the limit of 8 MiB')
    // Aborted before the answer: no parts stay in storage, nothing is listed or stored.
    expect(await listMultipartUploads(`chats/${chat.id}/`)).toEqual([])
    await expectNothingAdded(chat.id)
  })

  it('a client that goes away after the first parts reached storage leaves no multipart upload behind', async () => {
    const chat = await newChat()
    const { req, response } = rawPost(alice, chat.id, { 'content-length': 7 * 1024 * 1024 + 10_000 })
    response.catch(() => {})
    await write(req, partHead('name="file"; filename="dropped.bin"'))
    for (let i = 0; i < 6; i++) await write(req, randomBytes(1024 * 1024))
    await eventually(async () => expect(await listMultipartUploads(`chats/${chat.id}/`)).toHaveLength(1))
    req.destroy()
    await eventually(async () => expect(await listMultipartUploads(`chats/${chat.id}/`)).toEqual([]))
    await expectNothingAdded(chat.id)
  })

  it('removes the stored objects when the chat is deleted while its files upload (404)', async () => {
    const chat = await newChat()
    const first = `${partHead('name="file"; filename="first.txt"', 'text/plain')}complete\r\n${partHead('name="file"; filename="second.txt"', 'text/plain')}`
    const second = `also complete\r\n${closing}`
    const { req, response } = rawPost(alice, chat.id, { 'content-length': Buffer.byteLength(first) + Buffer.byteLength(second) })
    response.catch(() => {})
    await write(req, first)
    await eventually(async () => expect(await objectsOf(chat.id)).toHaveLength(1))
    await prisma.chatConversation.delete({ where: { id: chat.id } })
    req.end(second)
    const { status, body } = await response
    expect(status).toBe(404)
    expect(JSON.parse(body)).toEqual({ statusCode: 404, statusMessage: 'Not Found', data: { message: 'Chat not found' } })
    expect(await objectsOf(chat.id)).toEqual([])
  })

  it('never crashed a request handler along the way (no uncaught exception in the server log)', () => {
    expect(useTestContext().serverLogs?.filter(line => /uncaught|unhandled/i.test(line)) ?? []).toEqual([])
  })
})
