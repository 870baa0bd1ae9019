import { beforeAll, describe, expect, it } from 'vitest'
import type { ChatFile, GetChatFilesResponse } from '../../../../../../../shared/types/api'
import { $fetch, createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../../../../../../helpers/app'
import { expectApiError } from '../../../../../../helpers/contract'
import { tinyPdf, tinyPng } from '../../../../../../../prisma/seed'

await setupApp()
const services = useServices()

const path = (userId: string, chatId: number | string) => `/api/users/${userId}/chats/${chatId}/files`
const get = (p: string, cookie?: string) => fetch(p, { headers: cookie ? { cookie } : {} })
type User = Awaited<ReturnType<typeof signUpUser>>
type Chat = Awaited<ReturnType<typeof createChatWithFiles>>

describe('GET /api/users/[user_id]/chats/[chat_id]/files', () => {
  const t0 = Date.UTC(2024, 2, 20, 10, 0, 0)
  const files = [
    { name: 'report.pdf', type: 'application/pdf', body: tinyPdf('report'), createdAt: new Date(t0) },
    { name: 'photo.png', type: 'image/png', body: tinyPng(8, 8), createdAt: new Date(t0 + 1000) },
    { name: 'Grüße – naïve ☕.txt', type: 'text/plain; charset=utf-8', body: 'Grüße aus dem Café ☕\n', createdAt: new Date(t0 + 1000) },
    { name: 'page.html', type: 'text/html', body: '<script>alert(1)</script>', createdAt: new Date(t0 + 2000) },
  ]
  let alice: User, bob: User, aliceChat: Chat, aliceEmpty: Chat, bobChat: Chat
  beforeAll(async () => {
    alice = await signUpUser()
    bob = await signUpUser()
    aliceChat = await createChatWithFiles(services, alice.id, files)
    aliceEmpty = await createChatWithFiles(services, alice.id, [])
    bobChat = await createChatWithFiles(services, bob.id, [{ name: 'bob.txt', type: 'text/plain', body: 'bob' }])
  })

  it('returns the chat files with exactly the documented keys, in created_at then id order', async () => {
    const res = await get(path(alice.id, aliceChat.chat.id), alice.cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const body = await res.json() as GetChatFilesResponse
    expect(Object.keys(body)).toEqual(['chatFiles'])
    expect(body.chatFiles.map(f => f.name)).toEqual(files.map(f => f.name))
    // Two files share a created_at: the id breaks the tie.
    expect(body.chatFiles[1]!.id).toBeLessThan(body.chatFiles[2]!.id)
    for (const [i, file] of body.chatFiles.entries()) {
      expect(Object.keys(file).sort()).toEqual(['chat_conversation_id', 'created_at', 'id', 'name', 'size', 'type', 'url'])
      expect(file).toMatchObject({
        id: aliceChat.files[i]!.id,
        chat_conversation_id: aliceChat.chat.id,
        name: files[i]!.name,
        size: Buffer.from(files[i]!.body).length,
        type: files[i]!.type,
        created_at: files[i]!.createdAt.toISOString(),
      } satisfies Omit<ChatFile, 'url'>)
      expect(typeof file.size).toBe('number')
      expect(file.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(new URL(file.url).protocol).toBe('http:')
    }
  })

  it('gives URLs that download exactly the stored bytes with the right type and name', async () => {
    const { chatFiles } = await $fetch<GetChatFilesResponse>(path(alice.id, aliceChat.chat.id), { headers: { cookie: alice.cookie } })
    for (const [i, file] of chatFiles.entries()) {
      const res = await globalThis.fetch(file.url)
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(files[i]!.body))).toBe(true)
      expect(res.headers.get('content-type')).toBe(files[i]!.type)
      const disposition = res.headers.get('content-disposition')!
      expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(files[i]!.name).replace(/'/g, '%27')}`)
      // Active content never renders in place; PDFs, images and text may.
      expect(disposition.split(';')[0]).toBe(files[i]!.type === 'text/html' ? 'attachment' : 'inline')
    }
  })

  it('returns an empty list for a chat without files', async () => {
    const res = await get(path(alice.id, aliceEmpty.chat.id), alice.cookie)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ chatFiles: [] })
  })

  it('answers 401 in the contract shape without a session or with a forged cookie', async () => {
    await expectApiError(get(path(alice.id, aliceChat.chat.id)), 401, 'Unauthorized')
    const forged = `neptun-session=${'Fe26.2**' + 'a'.repeat(200)}`
    await expectApiError(get(path(alice.id, aliceChat.chat.id), forged), 401, 'Unauthorized')
    // A real cookie with one character changed is as good as none.
    const tampered = alice.cookie.slice(0, -3) + (alice.cookie.at(-3) === 'A' ? 'B' : 'A') + alice.cookie.slice(-2)
    await expectApiError(get(path(alice.id, aliceChat.chat.id), tampered), 401, 'Unauthorized')
  })

  it('never shows another user\'s chat: every combination but own user + own chat is the same 404', async () => {
    const cases = [
      { who: alice, userId: alice.id, chatId: bobChat.chat.id },
      { who: alice, userId: bob.id, chatId: bobChat.chat.id },
      { who: alice, userId: bob.id, chatId: aliceChat.chat.id },
      { who: bob, userId: bob.id, chatId: aliceChat.chat.id },
      { who: bob, userId: alice.id, chatId: aliceChat.chat.id },
      { who: bob, userId: alice.id, chatId: bobChat.chat.id },
      { who: alice, userId: alice.id, chatId: 2_147_483_647 },
    ]
    for (const c of cases) {
      const res = await get(path(c.userId, c.chatId), c.who.cookie)
      expect(await expectApiError(res, 404, 'Not Found')).toEqual({ statusCode: 404, statusMessage: 'Not Found', data: { message: 'Chat not found' } })
    }
    // The owners themselves still see their own chats.
    expect((await get(path(bob.id, bobChat.chat.id), bob.cookie)).status).toBe(200)
    expect((await get(path(alice.id, aliceChat.chat.id), alice.cookie)).status).toBe(200)
  })

  it('rejects malformed ids with 400 or 404 in the contract shape, never 500', async () => {
    const badChatIds = ['0', '-1', '1.5', '1e3', '0x10', 'abc', '%20', '01', '2147483648', '99999999999999999999', '%E0%A4%A', '%00', '1;DROP TABLE user']
    for (const chatId of badChatIds) {
      const res = await get(`/api/users/${alice.id}/chats/${chatId}/files`, alice.cookie)
      const body = await expectApiError(res, [400, 404])
      expect(body.data.message).not.toMatch(/prisma|sql|stack|at .*\.m?js/i)
    }
    // %00 reached the database as a NUL once the session check moved into the listing's query (fuzz test).
    const badUserIds = ['x'.repeat(65), encodeURIComponent('"; select 1 --'), '%E0%A4%A', '%2F..%2F', '%00', 'a%00b']
    for (const userId of badUserIds) {
      await expectApiError(await get(`/api/users/${userId}/chats/${aliceChat.chat.id}/files`, alice.cookie), [400, 404])
    }
  })

  it('gives unknown API routes the contract shape too', async () => {
    await expectApiError(await get('/api/no/such/route', alice.cookie), 404, 'Not Found')
  })
})
