import { describe, expect, it } from 'vitest'
import type { GetChatsResponse } from '../../../../../../shared/types/api'
import { fetch, setupApp, signUpUser, useServices } from '../../../../../helpers/app'
import { expectApiError } from '../../../../../helpers/contract'

await setupApp()
const { prisma } = useServices()

describe('GET /api/users/[user_id]/chats', () => {
  it('lists only the session user\'s chats, newest first', async () => {
    const alice = await signUpUser()
    const bob = await signUpUser()
    const t = Date.UTC(2025, 0, 1)
    const older = await prisma.chatConversation.create({ data: { userId: alice.id, name: 'older', createdAt: new Date(t) } })
    const newer = await prisma.chatConversation.create({ data: { userId: alice.id, name: 'newer', createdAt: new Date(t + 5000) } })
    await prisma.chatConversation.create({ data: { userId: bob.id, name: 'bob only' } })

    const res = await fetch(`/api/users/${alice.id}/chats`, { headers: { cookie: alice.cookie } })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    expect(await res.json() as GetChatsResponse).toEqual({
      chats: [
        { id: newer.id, name: 'newer', created_at: new Date(t + 5000).toISOString(), file_count: 0, last_activity_at: new Date(t + 5000).toISOString() },
        { id: older.id, name: 'older', created_at: new Date(t).toISOString(), file_count: 0, last_activity_at: new Date(t).toISOString() },
      ],
    })
  })

  it('counts each chat\'s completed files and takes the newest one as its last activity', async () => {
    const alice = await signUpUser()
    // Recent times: a pending upload older than an hour would be the sweep's (tests share the database).
    const t = Date.now() - 10 * 60_000
    const chat = await prisma.chatConversation.create({ data: { userId: alice.id, name: 'with files', createdAt: new Date(t) } })
    const file = (n: number, completed: boolean) => ({ chatConversationId: chat.id, name: `f${n}.txt`, size: 1, type: 'text/plain', objectKey: `chats/${chat.id}/count-${n}-${Date.now()}`, createdAt: new Date(t + n * 60_000), completedAt: completed ? new Date(t + n * 60_000) : null })
    // Two completed files; a newer pending upload counts for nothing yet.
    await prisma.chatConversationFile.createMany({ data: [file(1, true), file(2, true), file(3, false)] })

    const { chats } = await fetch(`/api/users/${alice.id}/chats`, { headers: { cookie: alice.cookie } }).then(r => r.json()) as GetChatsResponse
    expect(chats).toEqual([{ id: chat.id, name: 'with files', created_at: new Date(t).toISOString(), file_count: 2, last_activity_at: new Date(t + 2 * 60_000).toISOString() }])
  })

  it('answers 404 for any other user id and 401 without a session', async () => {
    const alice = await signUpUser()
    const bob = await signUpUser()
    expect(await expectApiError(fetch(`/api/users/${bob.id}/chats`, { headers: { cookie: alice.cookie } }), 404, 'Not Found'))
      .toEqual({ statusCode: 404, statusMessage: 'Not Found', data: { message: 'User not found' } })
    await expectApiError(fetch(`/api/users/${alice.id}/chats`), 401, 'Unauthorized')
    await expectApiError(fetch(`/api/users/${'x'.repeat(200)}/chats`, { headers: { cookie: alice.cookie } }), 400, 'Bad Request')
  })
})
