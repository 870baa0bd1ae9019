import { describe, expect, it } from 'vitest'
import type { CreateUploadResponse } from '../../shared/types/api'
import { api, createChatWithFiles, setupApp, signUpUser, useServices } from '../helpers/app'

// Requests that meet a deletion half-way (found by tests/server/fuzz.test.ts): the row they were about to
// write next to, or to update, is gone. They answer 404 like any missing chat or file, never 500.

await setupApp()
const services = useServices()

describe('requests racing a deletion', () => {
  it('reserving uploads while the chat is deleted: each answers 201 or 404', async () => {
    for (let round = 0; round < 5; round++) {
      const user = await signUpUser()
      const { chat } = await createChatWithFiles(services, user.id)
      const base = `/api/users/${user.id}/chats/${chat.id}`
      const reserve = () => api(`${base}/files/uploads`, user.cookie, { method: 'POST', body: { name: 'a.txt', size: 1, type: 'text/plain' } })
      const results = await Promise.all([...Array.from({ length: 8 }, reserve), api(base, user.cookie, { method: 'DELETE' }), ...Array.from({ length: 8 }, reserve)])
      for (const res of results) expect([201, 204, 404]).toContain(res.status)
      expect(await services.prisma.chatConversation.count({ where: { id: chat.id } })).toBe(0)
    }
  })

  it('completing an upload while it is deleted: 200, 404, or 409 when its object went first', async () => {
    for (let round = 0; round < 5; round++) {
      const user = await signUpUser()
      const { chat } = await createChatWithFiles(services, user.id)
      const base = `/api/users/${user.id}/chats/${chat.id}`
      const { upload } = await (await api(`${base}/files/uploads`, user.cookie, { method: 'POST', body: { name: 'a.txt', size: 1, type: 'text/plain' } })).json() as CreateUploadResponse
      expect((await fetch(upload.url, { method: 'PUT', body: 'a', headers: upload.headers })).status).toBe(200)
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => api(`${base}/files/${upload.file_id}/complete`, user.cookie, { method: 'POST' })),
        api(base, user.cookie, { method: 'DELETE' }),
        ...Array.from({ length: 4 }, () => api(`${base}/files/${upload.file_id}/complete`, user.cookie, { method: 'POST' })),
      ])
      for (const res of results) expect([200, 204, 404, 409]).toContain(res.status)
    }
  })
})
