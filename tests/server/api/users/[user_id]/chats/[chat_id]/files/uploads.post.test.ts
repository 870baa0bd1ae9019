import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { CreateUploadResponse } from '../../../../../../../../shared/types/api'
import { api, createChatWithFiles, setupApp, signUpUser, useServices } from '../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../helpers/contract'

await setupApp({ NUXT_UPLOAD_MAX_BYTES: '1000', NUXT_UPLOAD_MAX_FILES_PER_CHAT: '3', NUXT_UPLOAD_ALLOWED_TYPES: 'text/*,application/pdf,image/png' })
const services = useServices()

async function setup() {
  const user = await signUpUser()
  const { chat } = await createChatWithFiles(services, user.id, [])
  const path = `/api/users/${user.id}/chats/${chat.id}/files/uploads`
  return { user, chat, path, create: (body: unknown) => api(path, user.cookie, { method: 'POST', body }) }
}

describe('POST /api/users/[user_id]/chats/[chat_id]/files/uploads', () => {
  it('reserves a file and returns a presigned PUT bound to its type and length: 201 {upload}', async () => {
    const { user, chat, create } = await setup()
    const before = Date.now()
    const res = await create({ name: 'notes.txt', size: 11, type: 'text/plain' })
    expect(res.status).toBe(201)
    const { upload } = await res.json() as CreateUploadResponse
    expect(Object.keys(upload).sort()).toEqual(['expires_at', 'file_id', 'headers', 'method', 'url'])
    expect(upload.method).toBe('PUT')
    expect(upload.headers).toEqual({ 'content-type': 'text/plain' })
    const url = new URL(upload.url)
    expect(url.pathname).toMatch(new RegExp(`/chats/${chat.id}/[0-9a-f-]{36}$`))
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host')
    // No checksum of a body the server has not seen (the SDK's default signs the CRC32 of an empty body).
    expect([...url.searchParams.keys()].filter(k => /checksum/i.test(k))).toEqual([])
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(300)
    const expires = Date.parse(upload.expires_at)
    expect(expires - before).toBeGreaterThanOrEqual(299_000)
    expect(expires - before).toBeLessThan(310_000)

    // Reserved, but not listed until completed.
    const row = await services.prisma.chatConversationFile.findUniqueOrThrow({ where: { id: upload.file_id } })
    expect(row.completedAt).toBeNull()
    const listing = await api(`/api/users/${user.id}/chats/${chat.id}/files`, user.cookie).then(r => r.json())
    expect(listing.chatFiles).toEqual([])
  })

  it('with a declared SHA-256, signs it as a header the PUT must carry and records it; hex is taken too', async () => {
    const { create } = await setup()
    const sha256 = createHash('sha256').update('hello world').digest()
    for (const declared of [sha256.toString('base64'), sha256.toString('hex'), ` ${sha256.toString('hex').toUpperCase()} `]) {
      const res = await create({ name: 'notes.txt', size: 11, type: 'text/plain', sha256: declared })
      expect(res.status).toBe(201)
      const { upload } = await res.json() as CreateUploadResponse
      expect(upload.headers).toEqual({ 'content-type': 'text/plain', 'x-amz-checksum-sha256': sha256.toString('base64') })
      const url = new URL(upload.url)
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;x-amz-checksum-sha256')
      // A header, not hoisted into the query (there S3 would not hold the body to it), and nothing else.
      expect([...url.searchParams.keys()].filter(k => /checksum/i.test(k))).toEqual([])
      const row = await services.prisma.chatConversationFile.findUniqueOrThrow({ where: { id: upload.file_id } })
      expect(row.sha256).toBe(sha256.toString('base64'))
    }
    // Without one (or null), nothing is signed and nothing recorded (a new chat: this one holds its 3 files).
    const { upload } = await (await (await setup()).create({ name: 'n.txt', size: 1, type: 'text/plain', sha256: null })).json() as CreateUploadResponse
    expect(upload.headers).toEqual({ 'content-type': 'text/plain' })
    expect((await services.prisma.chatConversationFile.findUniqueOrThrow({ where: { id: upload.file_id } })).sha256).toBeNull()
  })

  it('answers 400 for a malformed SHA-256, saying which forms it takes, and reserves nothing', async () => {
    const { chat, create } = await setup()
    const good = createHash('sha256').update('x').digest()
    for (const sha256 of [
      'abc', good.toString('hex').slice(1), `${good.toString('hex')}00`, good.toString('base64').slice(0, 43), good.toString('base64url'),
      // Not the canonical spelling: the last character carries bits a 32-byte value does not have.
      `${good.toString('base64').slice(0, 42)}${good.toString('base64')[42] === 'B' ? 'C' : 'B'}=`,
      createHash('sha1').update('x').digest('base64'), createHash('sha512').update('x').digest('base64'), 42, true, {},
    ]) {
      const error = await expectApiError(create({ name: 'a.txt', size: 1, type: 'text/plain', sha256 }), 400, 'Bad Request')
      expect(error.data.message).toMatch(/^sha256: must be the file's SHA-256, base64 of the 32 bytes .* or 64 hex digits/)
    }
    expect(await services.prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(0)
  })

  it('keeps the name for display only: control characters and separators removed, key chosen by the server', async () => {
    const { create } = await setup()
    const { upload } = await (await create({ name: '../../etc/pass\u0000wd\u202Egnp.txt', size: 1, type: 'text/plain' })).json() as CreateUploadResponse
    const row = await services.prisma.chatConversationFile.findUniqueOrThrow({ where: { id: upload.file_id } })
    expect(row.name).toBe('.._.._etc_passwdgnp.txt')
    expect(row.objectKey).not.toContain('passwd')
  })

  it('answers 413 over the size limit, 415 for a refused type, 413 when the chat is full — writing nothing', async () => {
    const { chat, create } = await setup()
    expect((await expectApiError(create({ name: 'big.txt', size: 1001, type: 'text/plain' }), 413, 'Payload Too Large')).data.message).toMatch(/larger than the limit of 1000 B/)
    expect((await expectApiError(create({ name: 'x.exe', size: 10, type: 'application/x-msdownload' }), 415, 'Unsupported Media Type')).data.message).toMatch(/application\/x-msdownload/)
    expect(await services.prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(0)
    for (let i = 0; i < 3; i++) expect((await create({ name: `f${i}.txt`, size: 0, type: 'text/plain' })).status).toBe(201)
    expect((await expectApiError(create({ name: 'f4.txt', size: 1, type: 'text/plain' }), 413)).data.message).toMatch(/at most 3 files/)
    expect(await services.prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(3)
  })

  it('answers 400 for negative, fractional or absurd sizes and malformed bodies', async () => {
    const { create } = await setup()
    for (const body of [
      { name: 'a', size: -1, type: 'text/plain' },
      { name: 'a', size: 1.5, type: 'text/plain' },
      { name: 'a', size: 1e300, type: 'text/plain' },
      { name: 'a', size: '10', type: 'text/plain' },
      { name: '', size: 1, type: 'text/plain' },
      { size: 1, type: 'text/plain' },
      { name: 'a', size: 1, type: 'not a type' },
      'not json',
    ]) await expectApiError(create(body), 400, 'Bad Request')
  })

  it('answers 404 for someone else\'s chat', async () => {
    const { chat } = await setup()
    const stranger = await signUpUser()
    await expectApiError(api(`/api/users/${stranger.id}/chats/${chat.id}/files/uploads`, stranger.cookie, { method: 'POST', body: { name: 'a', size: 1, type: 'text/plain' } }), 404, 'Not Found')
  })
})
