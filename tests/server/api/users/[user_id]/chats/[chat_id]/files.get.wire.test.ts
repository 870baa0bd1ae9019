import { request } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import type { GetChatFilesResponse } from '../../../../../../../shared/types/api'
import { setupApp, signUpUser, url, useServices } from '../../../../../../helpers/app'

// The listing on the wire: compressed when the client asks and the body is worth it, streamed in chunks when
// it is large, and the same JSON whichever way it travels.

await setupApp()
const services = useServices()

/** A raw exchange: status, headers and the body's bytes exactly as sent (no decoding). */
function raw(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }>((resolve, reject) => {
    const req = request(url(path), { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

function decode(body: Buffer, encoding: string | undefined): GetChatFilesResponse {
  const text = encoding === 'gzip' ? gunzipSync(body) : encoding === 'br' ? brotliDecompressSync(body) : body
  return JSON.parse(text.toString('utf8')) as GetChatFilesResponse
}

/** URLs are signed per reuse window: two requests could straddle one, so compare them without date and signature. */
const unsigned = (body: GetChatFilesResponse) => body.chatFiles.map(f => ({ ...f, url: f.url.replace(/X-Amz-(Date|Credential|Signature)=[^&]+/g, '') }))

type User = Awaited<ReturnType<typeof signUpUser>>
let user: User
const chats: Record<number, number> = {}
const path = (files: number) => `/api/users/${user.id}/chats/${chats[files]}/files`

beforeAll(async () => {
  user = await signUpUser()
  // Rows only: the listing never touches the objects.
  for (const files of [0, 1, 10, 1000, 3000]) {
    const chat = await services.prisma.chatConversation.create({ data: { userId: user.id, name: `${files} files` } })
    chats[files] = chat.id
    await services.prisma.$executeRaw`
      INSERT INTO chat_conversation_file (chat_conversation_id, name, size, type, object_key, created_at)
      SELECT ${chat.id}::int, 'Grüße ' || i || ' ☕.pdf', i * 1000, 'application/pdf', 'chats/' || ${chat.id}::int || '/' || gen_random_uuid(),
             timestamptz '2025-01-01 00:00:00Z' + i * interval '1 millisecond'
      FROM generate_series(1, ${files}::int) AS i`
  }
})

describe('GET …/files on the wire', () => {
  it('sends bodies that fit one packet as they are, with their length, whatever the client accepts', async () => {
    for (const files of [0, 1]) {
      const res = await raw(path(files), { 'cookie': user.cookie, 'accept-encoding': 'gzip, br' })
      expect(res.status).toBe(200)
      expect(res.headers['content-encoding']).toBeUndefined()
      expect(Number(res.headers['content-length'])).toBe(res.body.length)
      expect(res.body.length).toBeLessThan(1400)
      expect(res.headers.vary).toMatch(/accept-encoding/i)
      expect(decode(res.body, undefined).chatFiles).toHaveLength(files)
    }
  })

  it('compresses larger bodies with gzip or br as the client asks, to the same JSON', async () => {
    const plain = await raw(path(10), { 'cookie': user.cookie, 'accept-encoding': 'identity' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.length).toBeGreaterThan(1400)
    const expected = unsigned(decode(plain.body, undefined))
    expect(expected).toHaveLength(10)
    for (const [accept, sent] of [['gzip, deflate, br', 'gzip'], ['br', 'br'], ['gzip;q=0, br', 'br'], ['deflate', undefined], ['br;q=0, identity', undefined]] as const) {
      const res = await raw(path(10), { 'cookie': user.cookie, 'accept-encoding': accept })
      expect(res.status).toBe(200)
      expect(res.headers['content-encoding'], accept).toBe(sent)
      expect(res.headers['content-type']).toMatch(/^application\/json/)
      expect(res.headers['cache-control']).toBe('private, no-store')
      if (sent) expect(res.body.length).toBeLessThan(plain.body.length / 2)
      expect(unsigned(decode(res.body, sent))).toEqual(expected)
    }
  })

  it('sends a listing too long for one JSON call but under 1 MiB whole, with its length, plain or compressed', async () => {
    const plain = await raw(path(1000), { cookie: user.cookie })
    expect(plain.status).toBe(200)
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length)
    expect(plain.body.length).toBeGreaterThan(512 * 600)
    expect(plain.body.length).toBeLessThan(1024 * 1024)
    const body = decode(plain.body, undefined)
    expect(body.chatFiles.map(f => f.name)).toEqual(Array.from({ length: 1000 }, (_, i) => `Grüße ${i + 1} ☕.pdf`))
    for (const encoding of ['gzip', 'br'] as const) {
      const res = await raw(path(1000), { 'cookie': user.cookie, 'accept-encoding': encoding })
      expect(res.headers['content-encoding']).toBe(encoding)
      expect(Number(res.headers['content-length'])).toBe(res.body.length)
      expect(unsigned(decode(res.body, encoding))).toEqual(unsigned(body))
    }
  })

  it('streams a large listing in chunks: every file, in order, the same JSON plain or compressed', async () => {
    const plain = await raw(path(3000), { cookie: user.cookie })
    expect(plain.status).toBe(200)
    // Written as it is built: no length up front.
    expect(plain.headers['content-length']).toBeUndefined()
    expect(plain.headers['transfer-encoding']).toBe('chunked')
    const body = decode(plain.body, undefined)
    expect(Object.keys(body)).toEqual(['chatFiles'])
    expect(body.chatFiles.map(f => f.name)).toEqual(Array.from({ length: 3000 }, (_, i) => `Grüße ${i + 1} ☕.pdf`))
    expect(body.chatFiles[2999]).toMatchObject({ chat_conversation_id: chats[3000], size: 3_000_000, type: 'application/pdf', created_at: '2025-01-01T00:00:03.000Z' })
    for (const encoding of ['gzip', 'br'] as const) {
      const res = await raw(path(3000), { 'cookie': user.cookie, 'accept-encoding': encoding })
      expect(res.headers['content-encoding']).toBe(encoding)
      expect(res.body.length).toBeLessThan(plain.body.length / 4)
      expect(unsigned(decode(res.body, encoding))).toEqual(unsigned(body))
    }
  })
})
