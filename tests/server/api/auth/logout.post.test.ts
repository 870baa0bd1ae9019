import { describe, expect, it } from 'vitest'
import { fetch, setupApp, signUpUser } from '../../../helpers/app'

await setupApp()

describe('POST /api/auth/logout', () => {
  it('answers 204 and clears the session cookie', async () => {
    const user = await signUpUser()
    const res = await fetch('/api/auth/logout', { method: 'POST', headers: { cookie: user.cookie } })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    const cleared = res.headers.getSetCookie().find(c => c.startsWith('neptun-session='))!
    expect(cleared).toMatch(/^neptun-session=;/)
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i)

    // A client that honours the cleared cookie has no session any more.
    const session = await fetch('/api/_auth/session').then(r => r.json())
    expect(session.user).toBeUndefined()
  })
})
