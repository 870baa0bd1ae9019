import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { startServer } from '@nuxt/test-utils/e2e'
import { describe, expect, it } from 'vitest'
import { createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../helpers/contract'

await setupApp()
const services = useServices()
const { prisma, s3, bucket } = services

describe('POST /api/users/[user_id]/chats/[chat_id]/files when storage is unreachable', () => {
  it('answers 503 and records nothing', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [])
    const form = new FormData()
    form.append('file', new Blob(['first'], { type: 'text/plain' }), 'a.txt')
    form.append('file', new Blob([new Uint8Array(6 * 1024 * 1024)], { type: 'application/octet-stream' }), 'b.bin')
    // Same database and sessions, but a storage address where nothing listens.
    await startServer({ env: { NUXT_S3_ENDPOINT: 'http://127.0.0.1:9' } })
    try {
      const res = await fetch(`/api/users/${user.id}/chats/${chat.id}/files`, { method: 'POST', headers: { cookie: user.cookie }, body: form })
      expect(await expectApiError(res, 503, 'Service Unavailable')).toEqual({
        statusCode: 503,
        statusMessage: 'Service Unavailable',
        data: { message: 'File storage is unavailable; nothing was changed, please retry' },
      })
    }
    finally {
      await startServer()
    }
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(0)
    expect((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `chats/${chat.id}/` }))).KeyCount ?? 0).toBe(0)
  })
})
