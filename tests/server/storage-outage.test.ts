import { CreateBucketCommand } from '@aws-sdk/client-s3'
import { afterAll, describe, expect, it } from 'vitest'
import type { CreateUploadResponse, GetChatFilesResponse } from '../../shared/types/api'
import { createS3Client } from '../../server/utils/storage'
import { s3SettingsFromEnv } from '../../server/utils/config'
import { sweepStorage } from '../../server/utils/sweep'
import { api, appEnv, createChatWithFiles, listObjectKeys, setupApp, signUpUser } from '../helpers/app'
import { createScratchDatabase } from '../helpers/scratch-db'
import { storageClient, useTestStorage } from '../helpers/storage'
import { startChecksumGate } from '../support/checksum-gate'
import { migrate } from '../../prisma/migrate'
import { createPrismaClient } from '../../server/utils/prisma'
import { expectApiError } from '../helpers/contract'

// This file's app reaches the suite's storage through a gate of its own, which the test stops (storage
// unreachable) and starts again; a bucket of its own, and a database of its own so that its sweep cannot
// touch what other test files recorded for deletion.
const testStorage = useTestStorage()
const database = await createScratchDatabase()
await migrate(database.url)
const bucket = 'outage-bucket'
const admin = storageClient({ direct: true })
await admin.send(new CreateBucketCommand({ Bucket: bucket }))
admin.destroy()
const startGate = (port?: number) => startChecksumGate({ upstream: testStorage.rgwEndpoint, dnsName: testStorage.dnsName, port })
let storage = await startGate()
const port = storage.port
const storageEnv = { NUXT_S3_ENDPOINT: storage.endpoint, NUXT_S3_BUCKET: bucket, DATABASE_URL: database.url }
await setupApp(storageEnv)
const prisma = createPrismaClient(database.url, { max: 2 })
const s3 = createS3Client(s3SettingsFromEnv(appEnv(storageEnv)))
const services = { prisma, s3, bucket }
afterAll(async () => {
  await prisma.$disconnect()
  await database.drop()
  await storage.stop()
})

describe('when storage is unreachable', () => {
  it('listing keeps working, completing an upload is 503 writing nothing, deletes are finished once storage is back', async () => {
    const user = await signUpUser()
    const { chat, files } = await createChatWithFiles(services, user.id, [
      { name: 'one.txt', type: 'text/plain', body: 'one' },
      { name: 'two.txt', type: 'text/plain', body: 'two' },
    ])
    const base = `/api/users/${user.id}/chats/${chat.id}/files`
    const { upload } = await (await api(`${base}/uploads`, user.cookie, { method: 'POST', body: { name: 'late.txt', size: 4, type: 'text/plain' } })).json() as CreateUploadResponse

    await storage.stop()

    // Presigning is arithmetic: the listing needs no storage.
    const listing = await api(base, user.cookie)
    expect(listing.status).toBe(200)
    expect((await listing.json() as GetChatFilesResponse).chatFiles.map(f => f.name)).toEqual(['one.txt', 'two.txt'])

    const started = Date.now()
    const complete = await expectApiError(api(`${base}/${upload.file_id}/complete`, user.cookie, { method: 'POST' }), 503, 'Service Unavailable')
    expect(complete.data.message).toMatch(/storage is unavailable/i)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect((await prisma.chatConversationFile.findUniqueOrThrow({ where: { id: upload.file_id } })).completedAt).toBeNull()

    // The row goes now; its object is remembered and removed when storage returns.
    expect((await api(`${base}/${files[0]!.id}`, user.cookie, { method: 'DELETE' })).status).toBe(204)
    expect(await prisma.storageDeletion.findUnique({ where: { objectKey: files[0]!.objectKey } })).not.toBeNull()

    storage = await startGate(port)
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toEqual([files[0]!.objectKey, files[1]!.objectKey].sort())
    await sweepStorage(prisma, s3, bucket, 3600)
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toEqual([files[1]!.objectKey])
    expect(await prisma.storageDeletion.findUnique({ where: { objectKey: files[0]!.objectKey } })).toBeNull()
  })
})
