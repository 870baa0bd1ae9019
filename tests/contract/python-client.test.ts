import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../helpers/app'

// The spec's pydantic models (HttpUrl, datetime) are real clients: real responses must parse with them.
await setupApp()
const services = useServices()
const script = fileURLToPath(new URL('./spec_models.py', import.meta.url))

describe('responses parse with the spec\'s Python (pydantic) models', () => {
  it('parses success, empty and every error response of the endpoint', async () => {
    const user = await signUpUser()
    const other = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [
      { name: 'ä b.txt', type: 'text/plain', body: 'x' },
      { name: 'report.pdf', type: 'application/pdf', body: '%PDF-1.4' },
    ])
    const empty = await createChatWithFiles(services, user.id, [])
    const get = (path: string, cookie?: string) => fetch(path, { headers: cookie ? { cookie } : {} }).then(async r => ({ status: r.status, body: await r.json() }))
    const responses = [
      await get(`/api/users/${user.id}/chats/${chat.id}/files`, user.cookie),
      await get(`/api/users/${user.id}/chats/${empty.chat.id}/files`, user.cookie),
      await get(`/api/users/${user.id}/chats/${chat.id}/files`),
      await get(`/api/users/${other.id}/chats/${chat.id}/files`, other.cookie),
      await get(`/api/users/${user.id}/chats/nope/files`, user.cookie),
    ]
    expect(responses.map(r => r.status)).toEqual([200, 200, 401, 404, 400])
    const input = responses.map(r => JSON.stringify({ kind: r.status === 200 ? 'success' : 'error', body: r.body })).join('\n')
    const python = spawnSync('python3', [script], { input, encoding: 'utf8' })
    expect(python.stderr).toBe('')
    expect(python.status).toBe(0)
    expect(JSON.parse(python.stdout)).toEqual([
      { files: 2, utc: true },
      { files: 0, utc: true },
      { statusCode: 401, message: 'Sign in required' },
      { statusCode: 404, message: 'Chat not found' },
      { statusCode: 400, message: expect.stringContaining('chat_id') },
    ])
  })
})
