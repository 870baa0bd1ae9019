import { describe, expect, it } from 'vitest'
import { api, createChatWithFiles, setupApp, signUpUser, useServices } from '../../../../../../helpers/app'
import { expectApiError } from '../../../../../../helpers/contract'

await setupApp()
const services = useServices()

describe('PATCH /api/users/[user_id]/chats/[chat_id]', () => {
  it('renames the chat: 200 {chat}', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [], 'Old')
    const res = await api(`/api/users/${user.id}/chats/${chat.id}`, user.cookie, { method: 'PATCH', body: { name: ' New name ' } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ chat: { id: chat.id, name: 'New name', created_at: chat.createdAt.toISOString() } })
  })

  it('answers 404 for someone else\'s chat and leaves it alone; 400 for a bad name', async () => {
    const owner = await signUpUser()
    const other = await signUpUser()
    const { chat } = await createChatWithFiles(services, owner.id, [], 'Mine')
    await expectApiError(api(`/api/users/${other.id}/chats/${chat.id}`, other.cookie, { method: 'PATCH', body: { name: 'Stolen' } }), 404, 'Not Found')
    await expectApiError(api(`/api/users/${owner.id}/chats/${chat.id}`, other.cookie, { method: 'PATCH', body: { name: 'Stolen' } }), 404, 'Not Found')
    await expectApiError(api(`/api/users/${owner.id}/chats/${chat.id}`, owner.cookie, { method: 'PATCH', body: { name: '' } }), 400)
    expect((await services.prisma.chatConversation.findUniqueOrThrow({ where: { id: chat.id } })).name).toBe('Mine')
  })
})
