import { startServer } from '@nuxt/test-utils/e2e'
import { describe, expect, it } from 'vitest'
import { createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../../../../../../helpers/app'
import { expectApiError } from '../../../../../../helpers/contract'

await setupApp()
const services = useServices()

describe('GET /api/users/[user_id]/chats/[chat_id]/files when the database is unreachable', () => {
  it('answers 500 in the contract shape, with no SQL, stack trace or connection details', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [{ name: 'a.txt', type: 'text/plain', body: 'a' }])
    // Same sessions and storage, but a database address where nothing listens.
    await startServer({ env: { DATABASE_URL: 'postgresql://app:s3cret-pw@127.0.0.1:9/chat_files' } })
    try {
      const res = await fetch(`/api/users/${user.id}/chats/${chat.id}/files`, { headers: { cookie: user.cookie } })
      const raw = await res.clone().text()
      expect(await expectApiError(res, 500)).toEqual({ statusCode: 500, statusMessage: 'Internal Server Error', data: { message: 'Internal Server Error' } })
      expect(raw).not.toMatch(/s3cret|127\.0\.0\.1|ECONNREFUSED|prisma|SELECT|\bat\s+\S+\.m?js/i)
    }
    finally {
      await startServer()
    }
  })
})
