import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { fetch, setupApp, signUpUser } from '../../../helpers/app'
import { expectApiError } from '../../../helpers/contract'

// A server whose sessions last 2 seconds: the sealed cookie itself carries the limit.
await setupApp({ NUXT_SESSION_MAX_AGE: '2' })

describe('session lifetime (NUXT_SESSION_MAX_AGE)', () => {
  it('bounds the cookie and rejects a sealed session once it is older than the limit', async () => {
    const user = await signUpUser()
    const chats = `/api/users/${user.id}/chats`
    expect((await fetch(chats, { headers: { cookie: user.cookie } })).status).toBe(200)
    await sleep(3000)
    await expectApiError(fetch(chats, { headers: { cookie: user.cookie } }), 401, 'Unauthorized')
  })
})
