import { describe, expect, it } from 'vitest'
import { api, setupApp, signUpUser, useServices } from '../../../../../helpers/app'
import { expectApiError } from '../../../../../helpers/contract'

await setupApp()
const { prisma } = useServices()

describe('POST /api/users/[user_id]/chats', () => {
  it('creates a chat with a trimmed name: 201 {chat}, listed first', async () => {
    const user = await signUpUser()
    const res = await api(`/api/users/${user.id}/chats`, user.cookie, { method: 'POST', body: { name: '  Plans 2025 ✨  ' } })
    expect(res.status).toBe(201)
    const { chat } = await res.json()
    expect(chat).toEqual({ id: expect.any(Number), name: 'Plans 2025 ✨', created_at: expect.stringMatching(/Z$/) })
    const list = await api(`/api/users/${user.id}/chats`, user.cookie).then(r => r.json())
    expect(list.chats[0]).toEqual({ ...chat, file_count: 0, last_activity_at: chat.created_at })
  })

  it('refuses empty, blank and over-long names with 400, creating nothing', async () => {
    const user = await signUpUser()
    for (const body of [{ name: '' }, { name: '   ' }, { name: 'x'.repeat(201) }, {}, { name: 42 }]) {
      await expectApiError(api(`/api/users/${user.id}/chats`, user.cookie, { method: 'POST', body }), 400, 'Bad Request')
    }
    expect(await prisma.chatConversation.count({ where: { userId: user.id } })).toBe(0)
    expect((await api(`/api/users/${user.id}/chats`, user.cookie, { method: 'POST', body: { name: 'x'.repeat(200) } })).status).toBe(201)
  })

  it('never creates a chat for another user id (404) or without a session (401)', async () => {
    const alice = await signUpUser()
    const bob = await signUpUser()
    await expectApiError(api(`/api/users/${bob.id}/chats`, alice.cookie, { method: 'POST', body: { name: 'x' } }), 404)
    await expectApiError(api(`/api/users/${alice.id}/chats`, '', { method: 'POST', body: { name: 'x' } }), 401)
    expect(await prisma.chatConversation.count({ where: { userId: { in: [alice.id, bob.id] } } })).toBe(0)
  })
})
