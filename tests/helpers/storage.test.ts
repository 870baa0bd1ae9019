import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { describe, expect, it } from 'vitest'
import { assumeRoleCredentials, createStorageKey, getSessionCredentials, removeStorageKey, type StorageCredentials, storageClient, useTestStorage } from './storage'

const storage = useTestStorage()
const Bucket = storage.bucket

/** Lists the bucket with `credentials`: the HTTP status storage answers. */
async function listStatus(credentials: StorageCredentials) {
  const s3 = storageClient({ credentials })
  try {
    await s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1 }))
    return 200
  }
  catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  }
  finally {
    s3.destroy()
  }
}

async function presignedGet(credentials: StorageCredentials, Key: string, expiresIn = 600) {
  const s3 = storageClient({ credentials })
  try {
    return await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), { expiresIn })
  }
  finally {
    s3.destroy()
  }
}

const tamperToken = (url: string) => {
  const u = new URL(url)
  const token = u.searchParams.get('X-Amz-Security-Token')!
  u.searchParams.set('X-Amz-Security-Token', token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11))
  return u.toString()
}

describe('test storage helpers', () => {
  it('createStorageKey gives the bucket\'s user another working key; removeStorageKey revokes it', async () => {
    const key = await createStorageKey()
    expect(key.accessKeyId).not.toBe(storage.accessKeyId)
    expect(await listStatus(key)).toBe(200)
    await removeStorageKey(key.accessKeyId)
    expect(await listStatus(key)).toBe(403)
    expect(await listStatus(storage)).toBe(200)
  })

  it('getSessionCredentials: temporary keys with a session token that RGW validates, in headers and presigned URLs', async () => {
    const before = Date.now()
    const session = await getSessionCredentials(storage, 900)
    expect(session.sessionToken.length).toBeGreaterThan(50)
    expect(session.expiration.getTime() - before).toBeGreaterThan(890_000)
    expect(session.expiration.getTime() - before).toBeLessThan(910_000)
    const Key = `helpers-test/${randomUUID()}`
    const s3 = storageClient({ credentials: session })
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'with a session token' }))
    s3.destroy()
    const url = await presignedGet(session, Key)
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(session.sessionToken)
    expect(await (await fetch(url)).text()).toBe('with a session token')
    // A token that does not decrypt is malformed (400, as S3's InvalidToken); either way nothing is read.
    const tampered = await fetch(tamperToken(url))
    expect([400, 403]).toContain(tampered.status)
    expect(await tampered.text()).toMatch(/<Error><Code>/)
    // The temporary keys are nothing without their token.
    expect(await listStatus({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey })).toBe(403)
    await expect(getSessionCredentials(storage, 60)).rejects.toThrow(/900 s or more/)
  })

  it('assumeRoleCredentials: short sessions, and a presigned URL dies with its session even if signed for longer', async () => {
    const Key = `helpers-test/${randomUUID()}`
    const s3 = storageClient()
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'short-lived' }))
    s3.destroy()
    const session = await assumeRoleCredentials(2)
    const url = await presignedGet(session, Key, 600)
    expect(await (await fetch(url)).text()).toBe('short-lived')
    await sleep(session.expiration.getTime() - Date.now() + 1500)
    expect((await fetch(url)).status).toBe(403)
    expect(await listStatus(session)).toBe(403)
  })
})
