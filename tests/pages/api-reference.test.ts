import { describe, expect, it } from 'vitest'
import { fetch, setupApp } from '../helpers/app'

await setupApp()

describe('page /api-reference', () => {
  it('renders the OpenAPI document on the server, grouped by tag, without a session', async () => {
    const res = await fetch('/api-reference', { redirect: 'manual' })
    expect(res.status).toBe(200)
    const html = await res.text()
    for (const text of ['Chat files API', '>Auth<', '>Chats<', '>Files<', 'GET', 'POST', 'PATCH', 'DELETE',
      '/api/users/{user_id}/chats/{chat_id}/files', 'List the files of a chat', 'neptun-session']) {
      expect(html).toContain(text)
    }
    // Parameters, the response's nested fields (ChatFile resolved from its $ref), status codes, the error shape.
    for (const text of ['user_id', 'chat_id', 'chat_conversation_id', 'created_at', 'string (date-time)', 'string (uri)',
      'array of ChatFile', 'Successfully retrieved chat files', '>404<', 'statusMessage', 'Chat not found']) {
      expect(html).toContain(text)
    }
    // Request bodies with their bounds.
    expect(html).toContain('1–200 characters')
    expect(html).toContain('multipart/form-data')
  })

  it('loads nothing from other hosts, so it works offline', async () => {
    const html = await fetch('/api-reference').then(r => r.text())
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//)
  })

  it('is linked from the header', async () => {
    const html = await fetch('/login').then(r => r.text())
    expect(html).toMatch(/<a[^>]+href="\/api-reference"/)
  })
})
