import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { GetChatFilesResponse } from '../../../../../../../shared/types/api'
import { $fetch, createChatWithFiles, setupApp, signUpUser, useServices } from '../../../../../../helpers/app'

// A server whose download URLs live 2 seconds.
await setupApp({ NUXT_S3_URL_TTL: '2' })
const services = useServices()

describe('download URL lifetime (NUXT_S3_URL_TTL)', () => {
  it('downloads while the URL is fresh and is refused with 403 once it has expired', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [{ name: 'a.txt', type: 'text/plain', body: 'short-lived' }])
    const { chatFiles } = await $fetch<GetChatFilesResponse>(`/api/users/${user.id}/chats/${chat.id}/files`, { headers: { cookie: user.cookie } })
    const url = new URL(chatFiles[0]!.url)
    expect(url.searchParams.get('X-Amz-Expires')).toBe('2')

    const fresh = await fetch(url)
    expect(fresh.status).toBe(200)
    expect(await fresh.text()).toBe('short-lived')

    await sleep(3500)
    // Only time changed since the download above. (S3 says "Request has expired"; RGW only AccessDenied.)
    const expired = await fetch(url)
    expect(expired.status).toBe(403)
    expect(await expired.text()).toMatch(/<Code>AccessDenied<\/Code>/)
  })
})
