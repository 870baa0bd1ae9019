import { describe, expect, it } from 'vitest'
import { api, createChatWithFiles, listObjectKeys, setupApp, signUpUser, useServices } from '../../../../../../helpers/app'
import { expectApiError } from '../../../../../../helpers/contract'

await setupApp()
const services = useServices()

describe('DELETE /api/users/[user_id]/chats/[chat_id]', () => {
  it('deletes the chat, its file rows and their objects in the bucket: 204', async () => {
    const user = await signUpUser()
    const { chat, files } = await createChatWithFiles(services, user.id, [
      { name: 'a.txt', type: 'text/plain', body: 'a' },
      { name: 'b.txt', type: 'text/plain', body: 'b' },
    ])
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toEqual(files.map(f => f.objectKey).sort())

    const res = await api(`/api/users/${user.id}/chats/${chat.id}`, user.cookie, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(await services.prisma.chatConversation.findUnique({ where: { id: chat.id } })).toBeNull()
    expect(await services.prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(0)
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toEqual([])
    expect(await services.prisma.storageDeletion.count({ where: { objectKey: { in: files.map(f => f.objectKey) } } })).toBe(0)
    await expectApiError(api(`/api/users/${user.id}/chats/${chat.id}/files`, user.cookie), 404)
  })

  it('answers 404 for someone else\'s chat and deletes nothing', async () => {
    const owner = await signUpUser()
    const other = await signUpUser()
    const { chat } = await createChatWithFiles(services, owner.id, [{ name: 'keep.txt', type: 'text/plain', body: 'k' }])
    await expectApiError(api(`/api/users/${owner.id}/chats/${chat.id}`, other.cookie, { method: 'DELETE' }), 404, 'Not Found')
    await expectApiError(api(`/api/users/${other.id}/chats/${chat.id}`, other.cookie, { method: 'DELETE' }), 404, 'Not Found')
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toHaveLength(1)
    expect(await services.prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(1)
  })
})
