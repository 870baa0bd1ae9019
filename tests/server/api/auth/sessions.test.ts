import { describe, expect, it } from 'vitest'
import type { GetSessionsResponse } from '../../../../shared/types/api'
import { api, fetch, password, sessionCookie, setupApp, signUpUser, useServices } from '../../../helpers/app'
import { expectApiError } from '../../../helpers/contract'

await setupApp()
const { prisma } = useServices()

const login = async (email: string, pass = password, cookie?: string) => {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'sessions-test/1.0', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ email, password: pass }),
  })
  expect(res.status).toBe(200)
  return sessionCookie(res)
}

const sessionOf = (cookie: string) => fetch('/api/_auth/session', { headers: { cookie } })
const sessionId = async (cookie: string) => (await (await sessionOf(cookie)).json()).id as string

/** Every kind of route a session opens: nuxt-auth-utils' own, the listing (its own SQL), another read, a write. */
async function expectRefusedEverywhere(cookie: string, userId: string, chatId: number) {
  await expectApiError(sessionOf(cookie), 401, 'Unauthorized')
  await expectApiError(api(`/api/users/${userId}/chats/${chatId}/files`, cookie), 401, 'Unauthorized')
  await expectApiError(api(`/api/users/${userId}/chats`, cookie), 401, 'Unauthorized')
  await expectApiError(api(`/api/users/${userId}/chats`, cookie, { method: 'POST', body: { name: 'not made' } }), 401, 'Unauthorized')
  await expectApiError(api('/api/auth/sessions', cookie), 401, 'Unauthorized')
}

async function expectAccepted(cookie: string, userId: string, chatId: number) {
  expect((await (await sessionOf(cookie)).json()).user.id).toBe(userId)
  expect((await api(`/api/users/${userId}/chats/${chatId}/files`, cookie)).status).toBe(200)
}

const newChat = (userId: string) => prisma.chatConversation.create({ data: { userId, name: 'c' } })

describe('logout', () => {
  it('POST /api/auth/logout revokes the session: a copy of the cookie gets 401 everywhere', async () => {
    const user = await signUpUser()
    const chat = await newChat(user.id)
    const copy = user.cookie
    await expectAccepted(copy, user.id, chat.id)
    expect((await api('/api/auth/logout', user.cookie, { method: 'POST' })).status).toBe(204)
    await expectRefusedEverywhere(copy, user.id, chat.id)
    expect(await prisma.chatConversation.count({ where: { userId: user.id } })).toBe(1)
    expect((await prisma.userSession.findFirstOrThrow({ where: { userId: user.id } })).revokedAt).not.toBeNull()
  })

  it('DELETE /api/_auth/session (useUserSession().clear()) revokes it too', async () => {
    const user = await signUpUser()
    const chat = await newChat(user.id)
    const res = await fetch('/api/_auth/session', { method: 'DELETE', headers: { cookie: user.cookie } })
    expect(res.status).toBe(200)
    await expectRefusedEverywhere(user.cookie, user.id, chat.id)
  })

  it('a refused cookie is told to go away', async () => {
    const user = await signUpUser()
    await api('/api/auth/logout', user.cookie, { method: 'POST' })
    const res = await api(`/api/users/${user.id}/chats`, user.cookie)
    expect(res.status).toBe(401)
    expect(res.headers.getSetCookie().some(c => /^neptun-session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i.test(c))).toBe(true)
  })
})

describe('signing in', () => {
  it('records the session with its user agent and starts a fresh one, revoking the one the browser brought', async () => {
    const user = await signUpUser()
    const signUpId = await sessionId(user.cookie)
    const cookie = await login(user.email, password, user.cookie)
    const id = await sessionId(cookie)
    expect(id).not.toBe(signUpId)
    const row = await prisma.userSession.findUniqueOrThrow({ where: { id } })
    expect(row).toMatchObject({ userId: user.id, userAgent: 'sessions-test/1.0', clientAddress: '127.0.0.1', revokedAt: null })
    expect((await prisma.userSession.findUniqueOrThrow({ where: { id: signUpId } })).revokedAt).not.toBeNull()
    await expectApiError(sessionOf(user.cookie), 401)
  })
})

describe('GET /api/auth/sessions and DELETE /api/auth/sessions/{id}', () => {
  it('lists the user\'s sessions, marks the current one, and ends another one on request', async () => {
    const user = await signUpUser()
    const chat = await newChat(user.id)
    const laptop = await login(user.email)
    const res = await api('/api/auth/sessions', user.cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    const { sessions } = await res.json() as GetSessionsResponse
    expect(sessions).toHaveLength(2)
    const current = sessions.find(s => s.current)!
    expect(current.id).toBe(await sessionId(user.cookie))
    const other = sessions.find(s => !s.current)!
    expect(other).toMatchObject({ id: await sessionId(laptop), user_agent: 'sessions-test/1.0', client_address: '127.0.0.1' })

    expect((await api(`/api/auth/sessions/${other.id}`, user.cookie, { method: 'DELETE' })).status).toBe(204)
    await expectRefusedEverywhere(laptop, user.id, chat.id)
    await expectAccepted(user.cookie, user.id, chat.id)
    // Gone already, someone else's, or not an id at all.
    await expectApiError(api(`/api/auth/sessions/${other.id}`, user.cookie, { method: 'DELETE' }), 404, 'Not Found')
    const stranger = await signUpUser()
    await expectApiError(api(`/api/auth/sessions/${await sessionId(stranger.cookie)}`, user.cookie, { method: 'DELETE' }), 404)
    await expectAccepted(stranger.cookie, stranger.id, (await newChat(stranger.id)).id)
    await expectApiError(api('/api/auth/sessions/not-a-session', user.cookie, { method: 'DELETE' }), 400, 'Bad Request')
  })

  it('ending the current session signs this client out', async () => {
    const user = await signUpUser()
    const chat = await newChat(user.id)
    const res = await api(`/api/auth/sessions/${await sessionId(user.cookie)}`, user.cookie, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(res.headers.getSetCookie().some(c => c.startsWith('neptun-session=;'))).toBe(true)
    await expectRefusedEverywhere(user.cookie, user.id, chat.id)
  })
})

describe('DELETE /api/auth/sessions: sign out everywhere', () => {
  it('ends every session of the user, this one included, and no one else\'s', async () => {
    const user = await signUpUser()
    const chat = await newChat(user.id)
    const phone = await login(user.email)
    const stranger = await signUpUser()
    const res = await api('/api/auth/sessions', phone, { method: 'DELETE' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ revoked: 2 })
    expect(res.headers.getSetCookie().some(c => c.startsWith('neptun-session=;'))).toBe(true)
    await expectRefusedEverywhere(user.cookie, user.id, chat.id)
    await expectRefusedEverywhere(phone, user.id, chat.id)
    await expectAccepted(stranger.cookie, stranger.id, (await newChat(stranger.id)).id)
  })
})

describe('POST /api/auth/password', () => {
  const change = (cookie: string, body: unknown) => api('/api/auth/password', cookie, { method: 'POST', body })

  it('changes the password, ends every other session and keeps this one', async () => {
    const user = await signUpUser()
    const chat = await newChat(user.id)
    const other = await login(user.email)
    const res = await change(user.cookie, { current_password: password, new_password: 'an entirely new one' })
    expect(res.status).toBe(204)
    await expectAccepted(user.cookie, user.id, chat.id)
    await expectRefusedEverywhere(other, user.id, chat.id)
    await login(user.email, 'an entirely new one')
    await expectApiError(fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password }) }), 401)
  })

  it('refuses a wrong current password (403) and a weak new one (400), changing nothing', async () => {
    const user = await signUpUser()
    const other = await login(user.email)
    const before = (await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash
    const wrong = await expectApiError(change(user.cookie, { current_password: 'not it', new_password: 'an entirely new one' }), 403, 'Forbidden')
    expect(wrong.data.message).toBe('The current password is not correct')
    const weak = await expectApiError(change(user.cookie, { current_password: password, new_password: 'aaaaaaaaaaaa' }), 400, 'Bad Request')
    expect(weak.data.message).toMatch(/new_password/)
    await expectApiError(change(user.cookie, { password }), 400)
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(before)
    expect((await sessionOf(other)).status).toBe(200)
  })

  it('needs a session', async () => {
    await expectApiError(fetch('/api/auth/password', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ current_password: 'a', new_password: 'an entirely new one' }) }), 401)
  })
})

describe('idle timeout and absolute lifetime', () => {
  it('a session unused for NUXT_SESSION_IDLE_TIMEOUT (1 day) ends', async () => {
    const user = await signUpUser()
    const chat = await newChat(user.id)
    const id = await sessionId(user.cookie)
    await prisma.userSession.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 24 * 3600_000 + 30_000) } })
    await expectAccepted(user.cookie, user.id, chat.id)
    // That use moved last_seen_at forward: the session lives on.
    expect(Date.now() - (await prisma.userSession.findUniqueOrThrow({ where: { id } })).lastSeenAt.getTime()).toBeLessThan(10_000)
    await prisma.userSession.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 24 * 3600_000 - 1000) } })
    await expectRefusedEverywhere(user.cookie, user.id, chat.id)
  })

  it('a session older than NUXT_SESSION_MAX_AGE (7 days) ends, however busy', async () => {
    const user = await signUpUser()
    const chat = await newChat(user.id)
    const id = await sessionId(user.cookie)
    await prisma.userSession.update({ where: { id }, data: { createdAt: new Date(Date.now() - 7 * 24 * 3600_000 - 1000) } })
    await expectRefusedEverywhere(user.cookie, user.id, chat.id)
  })

  it('a deleted user\'s sessions go with them', async () => {
    const user = await signUpUser()
    await prisma.user.delete({ where: { id: user.id } })
    await expectApiError(sessionOf(user.cookie), 401)
  })
})
