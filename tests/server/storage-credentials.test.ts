import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { useTestContext } from '@nuxt/test-utils/e2e'
import { afterAll, describe, expect, it } from 'vitest'
import type { ChatFile, CreateUploadResponse, GetChatFilesResponse, UploadChatFilesResponse } from '../../shared/types/api'
import { api, createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../helpers/app'
import { assumeRoleCredentials } from '../helpers/storage'
import type { TemporaryCredentials } from '../helpers/storage'

// The app as it runs under an IAM role: no static keys, temporary credentials from the AWS SDK's chain
// (here its container link, the endpoint ECS and EKS Pod Identity provide) issued by the test storage's
// STS, which RGW verifies, session token included. The test decides what the endpoint hands out.
const LIFETIME = 60
let issued: TemporaryCredentials = await assumeRoleCredentials(LIFETIME)
let handedOut = 0
const endpoint = createServer((_req, res) => {
  handedOut++
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ AccessKeyId: issued.accessKeyId, SecretAccessKey: issued.secretAccessKey, Token: issued.sessionToken, Expiration: issued.expiration.toISOString() }))
})
await new Promise<void>(done => endpoint.listen(0, '127.0.0.1', done))
afterAll(() => endpoint.close())

await setupApp({
  NUXT_S3_ACCESS_KEY_ID: '',
  NUXT_S3_SECRET_ACCESS_KEY: '',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/v2/credentials`,
  AWS_EC2_METADATA_DISABLED: 'true',
})
const first = issued
const services = useServices()

const params = (url: string) => new URL(url).searchParams
/** When a presigned URL stops working: X-Amz-Date plus X-Amz-Expires, in ms. */
const endOf = (url: string) => Date.parse(params(url).get('X-Amz-Date')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')) + Number(params(url).get('X-Amz-Expires')) * 1000

async function listing(user: { id: string, cookie: string }, chatId: number) {
  const res = await api(`/api/users/${user.id}/chats/${chatId}/files`, user.cookie)
  expect(res.status).toBe(200)
  return (await res.json() as GetChatFilesResponse).chatFiles
}

async function downloads(file: ChatFile, body: Buffer) {
  const res = await globalThis.fetch(file.url)
  expect(res.status, `${file.url} → ${res.status}`).toBe(200)
  expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true)
}

describe('storage credentials from the AWS SDK\'s chain (an IAM role), on storage that verifies them', () => {
  const bodies = [randomBytes(1000), Buffer.from('hello from a role')]

  it('says at start which link of the chain it uses', () => {
    expect(useTestContext().serverLogs?.join('\n') ?? '').toContain('[storage] Storage credentials: AWS SDK default chain: container credentials endpoint (ECS task role or EKS Pod Identity); temporary, valid until')
    expect(handedOut).toBeGreaterThan(0)
  })

  it('signs download URLs with the session token; they work, and none outlives the credentials; storage refuses them without the token', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [
      { name: 'a.bin', type: 'application/octet-stream', body: bodies[0]! },
      { name: 'b.txt', type: 'text/plain', body: bodies[1]! },
    ])
    const files = await listing(user, chat.id)
    for (const [i, file] of files.entries()) {
      expect(params(file.url).get('X-Amz-Security-Token')).toBe(first.sessionToken)
      expect(params(file.url).get('X-Amz-Credential')!.startsWith(`${first.accessKeyId}/`)).toBe(true)
      // NUXT_S3_URL_TTL is 900 s; these credentials live 60 s: the URL ends when they do, not later.
      expect(endOf(file.url)).toBeLessThanOrEqual(first.expiration.getTime())
      expect(Number(params(file.url).get('X-Amz-Expires'))).toBeLessThan(900)
      await downloads(file, bodies[i]!)
    }
    // The token is signed and required: without it, or with another session's, storage refuses.
    const url = new URL(files[0]!.url)
    url.searchParams.delete('X-Amz-Security-Token')
    expect((await globalThis.fetch(url)).status).toBe(403)
    const other = await assumeRoleCredentials(60)
    url.searchParams.set('X-Amz-Security-Token', other.sessionToken)
    expect((await globalThis.fetch(url)).status).toBe(403)
    // The stable download link redirects to a URL signed the same way.
    const link = await fetch(`/api/users/${user.id}/chats/${chat.id}/files/${files[1]!.id}/download`, { headers: { cookie: user.cookie }, redirect: 'manual' })
    expect(link.status).toBe(302)
    expect(params(link.headers.get('location')!).get('X-Amz-Security-Token')).toBe(first.sessionToken)
    expect(Buffer.from(await (await globalThis.fetch(link.headers.get('location')!)).arrayBuffer()).equals(bodies[1]!)).toBe(true)
  })

  it('uploads work with them too: a presigned PUT (with a declared SHA-256) that ends with the credentials, and uploads through the server', async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [])
    const base = `/api/users/${user.id}/chats/${chat.id}/files`
    const body = Buffer.from('uploaded under a role')
    const before = Date.now()
    const { upload } = await (await api(`${base}/uploads`, user.cookie, {
      method: 'POST', body: { name: 'role.txt', size: body.length, type: 'text/plain', sha256: createHash('sha256').update(body).digest('base64') },
    })).json() as CreateUploadResponse
    expect(params(upload.url).get('X-Amz-Security-Token')).toBe(first.sessionToken)
    // NUXT_UPLOAD_URL_TTL is 300 s: cut to what the credentials have left, and expires_at says so.
    expect(endOf(upload.url)).toBeLessThanOrEqual(first.expiration.getTime())
    expect(Date.parse(upload.expires_at)).toBeLessThanOrEqual(first.expiration.getTime())
    expect(Date.parse(upload.expires_at)).toBeLessThan(before + 300_000)
    expect((await globalThis.fetch(upload.url, { method: 'PUT', headers: upload.headers, body })).status).toBe(200)
    expect((await api(`${base}/${upload.file_id}/complete`, user.cookie, { method: 'POST' })).status).toBe(200)

    const form = new FormData()
    form.append('file', new Blob([Uint8Array.from(bodies[0]!)], { type: 'application/octet-stream' }), 'through-server.bin')
    const res = await fetch(base, { method: 'POST', headers: { cookie: user.cookie }, body: form })
    expect(res.status).toBe(201)
    await downloads((await res.json() as UploadChatFilesResponse).chatFiles[0]!, bodies[0]!)
  })

  it('rotation without a restart: the provider hands out new keys mid-run, and every URL handed out meanwhile works', { timeout: 120_000 }, async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, bodies.map((body, i) => ({ name: `f${i}`, type: 'application/octet-stream', body })))
    // From now on the endpoint gives other credentials: new keys, a new session.
    const next = await assumeRoleCredentials(900)
    expect(next.accessKeyId).not.toBe(first.accessKeyId)
    issued = next
    // The server renews ahead of expiry (half-way through a 60 s life) and keeps serving meanwhile.
    const seen: string[] = []
    const deadline = Date.now() + 90_000
    while (Date.now() < deadline) {
      const files = await listing(user, chat.id)
      for (const [i, file] of files.entries()) {
        seen.push(params(file.url).get('X-Amz-Credential')!.split('/')[0]!)
        await downloads(file, bodies[i]!)
      }
      if (seen.filter(key => key === next.accessKeyId).length >= 4) break
      await new Promise(resolve => setTimeout(resolve, 500))
    }
    // Both generations signed URLs, the old first, and nothing else did.
    expect(seen.filter(key => key === next.accessKeyId).length).toBeGreaterThanOrEqual(4)
    expect(seen.indexOf(next.accessKeyId)).toBeGreaterThan(0)
    expect(new Set(seen)).toEqual(new Set([first.accessKeyId, next.accessKeyId]))
    expect(seen.slice(seen.indexOf(next.accessKeyId))).toEqual(seen.slice(seen.indexOf(next.accessKeyId)).map(() => next.accessKeyId))
    // Fresh URLs now carry the new session's token, and direct uploads are signed with it too.
    const [file] = await listing(user, chat.id)
    expect(params(file!.url).get('X-Amz-Security-Token')).toBe(next.sessionToken)
    const { upload } = await (await api(`/api/users/${user.id}/chats/${chat.id}/files/uploads`, user.cookie, { method: 'POST', body: { name: 'after.txt', size: 5, type: 'text/plain' } })).json() as CreateUploadResponse
    expect((await globalThis.fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'after' })).status).toBe(200)
  })
})
