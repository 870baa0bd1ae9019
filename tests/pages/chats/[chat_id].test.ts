import { describe, expect, it } from 'vitest'
import { createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../../helpers/app'

await setupApp()
const services = useServices()

describe('page /chats/[chat_id]', () => {
  it('lists the chat\'s files, rendered on the server through useChatFiles', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [
      { name: 'plan.pdf', type: 'application/pdf', body: '%PDF-1.4 x' },
      { name: 'Ünïcode notes.txt', type: 'text/plain', body: 'hello' },
    ])
    const res = await fetch(`/chats/${chat.id}`, { headers: { cookie: user.cookie } })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('plan.pdf')
    expect(html).toContain('Ünïcode notes.txt')
    expect(html).toContain('10 B')
    // Links are the stable download links, which outlive any presigned URL.
    expect(html).toContain(`href="/api/users/${user.id}/chats/${chat.id}/files/`)
    expect(html).toMatch(/\/download\?disposition=attachment"/)
  })

  it('answers a styled 404 page for a chat that is not yours, a missing one and a malformed id', async () => {
    const owner = await signUpUser()
    const stranger = await signUpUser()
    const { chat } = await createChatWithFiles(services, owner.id, [{ name: 'secret.txt', type: 'text/plain', body: 's' }], 'Private plans')
    for (const path of [`/chats/${chat.id}`, '/chats/2147483000', '/chats/abc']) {
      // As a browser asks (Nuxt answers JSON errors to curl's and fetch's default Accept headers, same status).
      const res = await fetch(path, { headers: { cookie: stranger.cookie, accept: 'text/html' } })
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      const html = await res.text()
      expect(html).toContain('data-testid="error-page"')
      expect(html).toContain('Chat not found')
      expect(html).toContain('does not exist or is not yours')
      expect(html).not.toContain('secret.txt')
      expect(html).not.toContain('Private plans')
    }
  })

  it('sends visitors without a session to /login, remembering where they were going', async () => {
    const res = await fetch('/chats/1', { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/login?redirect=/chats/1')
  })
})
