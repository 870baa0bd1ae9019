import { randomUUID } from 'node:crypto'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, describe, expect, it } from 'vitest'
import { createPresigner } from '../../../server/utils/presigner'
import type { S3Settings } from '../../../server/utils/storage'
import { contentDisposition } from '../../../server/utils/content-disposition'
import { getSessionCredentials, storageClient, useTestStorage } from '../../helpers/storage'

// The app's own presigner, virtual-hosted style (`bucket.s3.localhost`), against the suite's storage, which
// verifies every signature: what AWS's default addressing looks like, proven on storage and not only
// against the SDK's signer.

const storage = useTestStorage()
const client = storageClient()
afterAll(() => client.destroy())

const settings: S3Settings = {
  endpoint: storage.vhostEndpoint,
  publicEndpoint: '',
  region: storage.region,
  bucket: storage.bucket,
  accessKeyId: storage.accessKeyId,
  secretAccessKey: storage.secretAccessKey,
  forcePathStyle: false,
  urlTtl: 60,
}

async function putObject(body: string) {
  const Key = `presigner-vhost/${randomUUID()}`
  await client.send(new PutObjectCommand({ Bucket: storage.bucket, Key, Body: body, ContentType: 'text/plain' }))
  return Key
}

const flip = (url: string) => url.replace(/X-Amz-Signature=([0-9a-f])/, (_, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`)

describe('createPresigner, virtual-hosted style, on the test storage', () => {
  it('puts the bucket in the host name, and storage serves the object with the signed overrides', async () => {
    const key = await putObject('hosted by name')
    const url = createPresigner(settings).presignGet(key, {
      expiresIn: 60,
      query: { 'response-content-disposition': contentDisposition('Grüße – notes.txt', 'text/plain'), 'response-content-type': 'text/plain' },
    })
    expect(new URL(url).host).toBe(`${storage.bucket}.${new URL(storage.vhostEndpoint).host}`)
    expect(new URL(url).pathname).toBe(`/${key}`)
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hosted by name')
    expect(res.headers.get('content-disposition')).toBe(contentDisposition('Grüße – notes.txt', 'text/plain'))
    expect((await fetch(flip(url))).status).toBe(403)
  })

  it('signs with temporary credentials (X-Amz-Security-Token), which storage requires', async () => {
    const key = await putObject('with a session token')
    const temporary = await getSessionCredentials(storage)
    const url = createPresigner(settings, { credentials: () => temporary }).presignGet(key, { expiresIn: 60 })
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(temporary.sessionToken)
    expect(await (await fetch(url)).text()).toBe('with a session token')
    const withoutToken = new URL(url)
    withoutToken.searchParams.delete('X-Amz-Security-Token')
    expect((await fetch(withoutToken)).status).toBe(403)
  })

  it('is refused once expired', async () => {
    const key = await putObject('short-lived')
    const url = createPresigner(settings, { now: () => Date.now() - 120_000 }).presignGet(key, { expiresIn: 60 })
    expect((await fetch(url)).status).toBe(403)
  })
})
