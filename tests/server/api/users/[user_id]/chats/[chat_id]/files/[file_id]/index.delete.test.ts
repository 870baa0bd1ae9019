import { describe, expect, it } from 'vitest'
import { api, createChatWithFiles, listObjectKeys, setupApp, signUpUser, useServices } from '../../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../../helpers/contract'

await setupApp()
const services = useServices()

describe('DELETE /api/users/[user_id]/chats/[chat_id]/files/[file_id]', () => {
  it('deletes the row and the object: 204, no longer listed', async () => {
    const user = await signUpUser()
    const { chat, files } = await createChatWithFiles(services, user.id, [
      { name: 'gone.txt', type: 'text/plain', body: 'x' },
      { name: 'kept.txt', type: 'text/plain', body: 'y' },
    ])
    const res = await api(`/api/users/${user.id}/chats/${chat.id}/files/${files[0]!.id}`, user.cookie, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toEqual([files[1]!.objectKey])
    const listing = await api(`/api/users/${user.id}/chats/${chat.id}/files`, user.cookie).then(r => r.json())
    expect(listing.chatFiles.map((f: { name: string }) => f.name)).toEqual(['kept.txt'])
    await expectApiError(api(`/api/users/${user.id}/chats/${chat.id}/files/${files[0]!.id}`, user.cookie, { method: 'DELETE' }), 404, 'Not Found')
  })

  it('answers 404 for someone else\'s file, or a file addressed through the wrong chat, deleting nothing', async () => {
    const owner = await signUpUser()
    const other = await signUpUser()
    const { chat, files } = await createChatWithFiles(services, owner.id, [{ name: 'mine.txt', type: 'text/plain', body: 'm' }])
    const { chat: otherChat } = await createChatWithFiles(services, other.id, [])
    await expectApiError(api(`/api/users/${other.id}/chats/${chat.id}/files/${files[0]!.id}`, other.cookie, { method: 'DELETE' }), 404)
    await expectApiError(api(`/api/users/${other.id}/chats/${otherChat.id}/files/${files[0]!.id}`, other.cookie, { method: 'DELETE' }), 404)
    await expectApiError(api(`/api/users/${owner.id}/chats/${chat.id}/files/${files[0]!.id}`, other.cookie, { method: 'DELETE' }), 404)
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toHaveLength(1)
  })
})
