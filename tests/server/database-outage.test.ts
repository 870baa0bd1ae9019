import { getServerLogs, startServer } from '@nuxt/test-utils/e2e'
import { describe, expect, it } from 'vitest'
import { createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../helpers/app'
import { expectApiError } from '../helpers/contract'

await setupApp()
const services = useServices()

describe('the API when the database is unreachable', () => {
  it('answers 503 with Retry-After in the contract shape, no SQL, stack trace or connection details, and logs one line per failure', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [{ name: 'a.txt', type: 'text/plain', body: 'a' }])
    // Same sessions and storage, but a database address where nothing listens.
    await startServer({ env: { DATABASE_URL: 'postgresql://app:s3cret-pw@127.0.0.1:9/chat_files' } })
    try {
      const requests = [
        () => fetch(`/api/users/${user.id}/chats/${chat.id}/files`, { headers: { cookie: user.cookie } }),
        () => fetch(`/api/users/${user.id}/chats`, { headers: { cookie: user.cookie } }),
        () => fetch('/api/_auth/session', { headers: { cookie: user.cookie } }),
        () => fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: 'whatever it is' }) }),
      ]
      for (const request of requests) {
        const res = await request()
        const raw = await res.clone().text()
        expect(await expectApiError(res, 503)).toEqual({ statusCode: 503, statusMessage: 'Service Unavailable', data: { message: 'The service is temporarily unavailable; please retry shortly' } })
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
        expect(raw).not.toMatch(/s3cret|127\.0\.0\.1|ECONNREFUSED|prisma|SELECT|\bat\s+\S+\.m?js/i)
      }
      // The log: one line per failed request, naming route and reason; no stack trace, no secret.
      await new Promise(resolve => setTimeout(resolve, 300))
      const lines = getServerLogs().join('\n').split('\n').filter(line => line.trim() !== '' && !/Listening on|^\[storage\] Storage credentials:/.test(line))
      expect(lines).toHaveLength(requests.length)
      for (const line of lines) expect(line).toMatch(/^\[api\] (GET|POST) \/api\/\S+ 503: database unavailable \((P\d{4} )?\w+\)$/)
      expect(lines.join('\n')).not.toMatch(/s3cret|\bat\s+\S+\.m?js/)
    }
    finally {
      await startServer()
    }
  })
})
