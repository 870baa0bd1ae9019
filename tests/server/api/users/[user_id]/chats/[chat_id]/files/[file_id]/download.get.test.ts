import { describe, expect, it } from 'vitest'
import { api, createChatWithFiles, setupApp, signUpUser, useServices } from '../../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../../helpers/contract'

// Download URLs live 2 seconds here: the stable link must outlive them.
await setupApp({ NUXT_S3_URL_TTL: '2' })
const services = useServices()

describe('GET /api/users/[user_id]/chats/[chat_id]/files/[file_id]/download', () => {
  it('redirects (302) to a freshly presigned URL every time, so the link outlives any URL', async () => {
    const user = await signUpUser()
    const { chat, files } = await createChatWithFiles(services, user.id, [{ name: 'report.pdf', type: 'application/pdf', body: '%PDF-1.4 stable' }])
    const link = `/api/users/${user.id}/chats/${chat.id}/files/${files[0]!.id}/download`
    const first = await api(link, user.cookie)
    expect(first.status).toBe(302)
    expect(first.headers.get('cache-control')).toBe('private, no-store')
    const firstUrl = first.headers.get('location')!
    expect(await fetch(firstUrl).then(r => r.text())).toBe('%PDF-1.4 stable')

    await new Promise(resolve => setTimeout(resolve, 3500))
    expect((await fetch(firstUrl)).status).toBe(403)
    const again = await api(link, user.cookie)
    expect(again.status).toBe(302)
    const download = await fetch(again.headers.get('location')!)
    expect(download.status).toBe(200)
    expect(download.headers.get('content-disposition')).toContain('filename="report.pdf"')
  })

  it('needs the session and the ownership: 401, 404', async () => {
    const owner = await signUpUser()
    const other = await signUpUser()
    const { chat, files } = await createChatWithFiles(services, owner.id, [{ name: 'a.txt', type: 'text/plain', body: 'a' }])
    const link = `/api/users/${owner.id}/chats/${chat.id}/files/${files[0]!.id}/download`
    await expectApiError(api(link, ''), 401)
    await expectApiError(api(link, other.cookie), 404, 'Not Found')
    await expectApiError(api(`/api/users/${other.id}/chats/${chat.id}/files/${files[0]!.id}/download`, other.cookie), 404)
  })
})
