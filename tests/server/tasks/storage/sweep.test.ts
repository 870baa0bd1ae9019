import { readFile } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import type { S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreateUploadResponse } from '../../../../shared/types/api'
import { deleteStaleUploads, sweepStorage } from '../../../../server/utils/sweep'
import { api, createChatWithFiles, listObjectKeys, setupApp, signUpUser, useServices } from '../../../helpers/app'
import { outputDir } from '../../../helpers/paths'
import { migrate } from '../../../../prisma/migrate'
import { createPrismaClient } from '../../../../server/utils/prisma'
import { createScratchDatabase } from '../../../helpers/scratch-db'
import type { ScratchDatabase } from '../../../helpers/scratch-db'

await setupApp()
const services = useServices()

describe('task storage:sweep', () => {
  it('removes uploads never completed (rows and objects) and retries unconfirmed object deletions', async () => {
    const user = await signUpUser()
    const { chat, files: [kept] } = await createChatWithFiles(services, user.id, [{ name: 'kept.txt', type: 'text/plain', body: 'kept' }])
    const reserve = async (name: string) => (await (await api(`/api/users/${user.id}/chats/${chat.id}/files/uploads`, user.cookie, {
      method: 'POST', body: { name, size: 3, type: 'text/plain' },
    })).json() as CreateUploadResponse).upload
    const putButNeverCompleted = await reserve('abandoned.txt')
    await fetch(putButNeverCompleted.url, { method: 'PUT', body: 'abc', headers: putButNeverCompleted.headers })
    const neverPut = await reserve('never.txt')
    const recent = await reserve('recent.txt')
    // Two hours old: past the one-hour pending lifetime. `recent` stays young.
    await services.prisma.chatConversationFile.updateMany({ where: { id: { in: [putButNeverCompleted.file_id, neverPut.file_id] } }, data: { createdAt: new Date(Date.now() - 2 * 3600_000) } })
    // An object whose row went while storage was down: only its storage_deletion record remains.
    const orphanKey = `chats/${chat.id}/left-behind`
    await services.s3.send(new PutObjectCommand({ Bucket: services.bucket, Key: orphanKey, Body: 'x' }))
    await services.prisma.storageDeletion.create({ data: { objectKey: orphanKey } })
    const before = await listObjectKeys(services, `chats/${chat.id}/`)
    expect(before).toHaveLength(3)

    const result = await sweepStorage(services.prisma, services.s3, services.bucket, 3600)

    expect(result.staleUploads).toBe(2)
    expect(result.objectsFailed).toBe(0)
    const rows = await services.prisma.chatConversationFile.findMany({ where: { chatConversationId: chat.id }, select: { id: true }, orderBy: { id: 'asc' } })
    expect(rows.map(r => r.id)).toEqual([kept!.id, recent.file_id])
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toEqual([kept!.objectKey])
    expect(await services.prisma.storageDeletion.count({ where: { objectKey: { startsWith: `chats/${chat.id}/` } } })).toBe(0)

    // Nothing left to do: a second sweep changes nothing.
    expect(await sweepStorage(services.prisma, services.s3, services.bucket, 3600)).toMatchObject({ staleUploads: 0 })
  })

  it('is scheduled in the production build every five minutes', async () => {
    const nitro = await readFile(`${outputDir}/server/chunks/nitro/nitro.mjs`, 'utf8')
    expect(nitro).toMatch(/"\*\/5 \* \* \* \*"[^\]]*storage:sweep/)
  })
})

/**
 * The suite's real S3 client, watched: records the keys of every DeleteObjects request, and can hold a request
 * back or have storage refuse some keys (reported per key, the way S3 reports AccessDenied) or fail outright.
 */
function watchedStorage(s3: S3Client, options: { refuse?: (key: string) => boolean, before?: () => Promise<void>, down?: boolean } = {}) {
  const requests: string[][] = []
  const client = {
    async send(command: unknown) {
      if (!(command instanceof DeleteObjectsCommand)) return s3.send(command as never)
      const keys = command.input.Delete!.Objects!.map(o => o.Key!)
      requests.push(keys)
      await options.before?.()
      if (options.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
      const refused = keys.filter(k => options.refuse?.(k))
      const rest = keys.filter(k => !options.refuse?.(k))
      const result: { Errors?: { Key?: string, Code?: string, Message?: string }[] } = rest.length ? await s3.send(new DeleteObjectsCommand({ ...command.input, Delete: { Objects: rest.map(Key => ({ Key })), Quiet: true } })) : {}
      return { ...result, Errors: [...(result.Errors ?? []), ...refused.map(Key => ({ Key, Code: 'AccessDenied', Message: 'Access Denied' }))] }
    },
  } as unknown as S3Client
  return { client, requests, keys: () => requests.flat() }
}

// A database of these tests' own (the suite's bucket): no request of another test file takes their keys.
let db: ScratchDatabase
let prisma: ReturnType<typeof createPrismaClient>

beforeAll(async () => {
  db = await createScratchDatabase()
  await migrate(db.url)
  prisma = createPrismaClient(db.url, { max: 4 })
})

afterAll(async () => {
  await prisma?.$disconnect()
  await db?.drop()
})

const recorded = (prefix: string) => prisma.storageDeletion.findMany({ where: { objectKey: { startsWith: prefix } }, orderBy: { objectKey: 'asc' } })

describe('the sweep on several instances', () => {
  it('two sweeps at once take disjoint keys: no object is deleted twice, every one once', async () => {
    const prefix = `sweep-${randomUUID()}/`
    const keys = Array.from({ length: 120 }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`)
    await Promise.all(keys.map(Key => services.s3.send(new PutObjectCommand({ Bucket: services.bucket, Key, Body: 'x' }))))
    await prisma.storageDeletion.createMany({ data: keys.map(objectKey => ({ objectKey, createdAt: new Date(Date.now() - 3600_000), nextAttemptAt: new Date(Date.now() - 3600_000) })) })

    // Sweep A takes its first batch and is held up talking to storage; sweep B runs meanwhile, start to end.
    let release!: () => void
    const held = new Promise<void>(resolve => (release = resolve))
    let taken!: () => void
    const tookFirst = new Promise<void>(resolve => (taken = resolve))
    const a = watchedStorage(services.s3, { before: async () => { taken(); await held } })
    const b = watchedStorage(services.s3)
    const sweepA = sweepStorage(prisma, a.client, services.bucket, 3600, { batch: 40 })
    await tookFirst
    const resultB = await sweepStorage(prisma, b.client, services.bucket, 3600, { batch: 40 })
    release()
    const resultA = await sweepA

    const mine = (list: string[]) => list.filter(k => k.startsWith(prefix))
    const fromA = mine(a.keys())
    const fromB = mine(b.keys())
    expect(fromA.length).toBeGreaterThanOrEqual(1)
    expect(fromB.length).toBeGreaterThanOrEqual(1)
    expect(fromA.filter(k => fromB.includes(k))).toEqual([])
    // Every key went to storage exactly once.
    expect([...fromA, ...fromB].sort()).toEqual(keys)
    expect(resultA.objectsFailed + resultB.objectsFailed).toBe(0)
    expect(await recorded(prefix)).toEqual([])
    expect(await listObjectKeys(services, prefix)).toEqual([])
  })

  it('sweeps at once delete disjoint stale uploads: each row once, the young and the completed kept', async () => {
    const user = await prisma.user.create({ data: { email: `sweep-${randomUUID()}@example.com`, passwordHash: 'x' } })
    const chat = await prisma.chatConversation.create({ data: { userId: user.id, name: 'c' } })
    const file = (completedAt: Date | null, createdAt: Date) => ({ chatConversationId: chat.id, name: 'f', size: 1, type: 'text/plain', objectKey: `chats/${chat.id}/${randomUUID()}`, completedAt, createdAt })
    const old = new Date(Date.now() - 2 * 3600_000)
    await prisma.chatConversationFile.createMany({ data: Array.from({ length: 60 }, () => file(null, old)) })
    await prisma.chatConversationFile.createMany({ data: [file(null, new Date()), file(old, old)] })
    const counts = await Promise.all(Array.from({ length: 4 }, () => deleteStaleUploads(prisma, 3600, 10)))
    const more = await sweepStorage(prisma, watchedStorage(services.s3).client, services.bucket, 3600, { batch: 10 })
    expect(counts.reduce((a, b) => a + b, 0) + more.staleUploads).toBe(60)
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(2)
    // Each deleted row's object was recorded once, by the trigger, and purged by the sweep.
    expect(more.objectsDeleted).toBe(60)
  })

  it('keys storage keeps refusing back off and go last: they cannot starve the others', async () => {
    const prefix = `starve-${randomUUID()}/`
    const old = new Date(Date.now() - 24 * 3600_000)
    const poison = Array.from({ length: 1000 }, (_, i) => `${prefix}poison/${String(i).padStart(4, '0')}`)
    const good = Array.from({ length: 5 }, (_, i) => `${prefix}good/${i}`)
    await Promise.all(good.map(Key => services.s3.send(new PutObjectCommand({ Bucket: services.bucket, Key, Body: 'x' }))))
    // The refused keys are the oldest and fill a whole batch.
    await prisma.storageDeletion.createMany({ data: poison.map(objectKey => ({ objectKey, createdAt: old, nextAttemptAt: old })) })
    await prisma.storageDeletion.createMany({ data: good.map(objectKey => ({ objectKey })) })
    const storage = watchedStorage(services.s3, { refuse: key => key.startsWith(`${prefix}poison/`) })

    const started = Date.now()
    await sweepStorage(prisma, storage.client, services.bucket, 3600, { batch: 1000 })
    // One run: the refused keys were tried once, and the good ones still went.
    expect(await listObjectKeys(services, `${prefix}good/`)).toEqual([])
    const left = await recorded(prefix)
    expect(left.map(r => r.objectKey)).toEqual(poison)
    for (const row of left) {
      expect(row.attempts).toBe(1)
      expect(row.lastError).toBe('AccessDenied: Access Denied')
      expect(row.nextAttemptAt.getTime() - started).toBeGreaterThan(50_000)
      expect(row.nextAttemptAt.getTime() - started).toBeLessThan(70_000 + (Date.now() - started))
    }

    // Not due yet: the next run leaves them alone and takes new keys at once.
    const more = `${prefix}good/late`
    await services.s3.send(new PutObjectCommand({ Bucket: services.bucket, Key: more, Body: 'x' }))
    await prisma.storageDeletion.create({ data: { objectKey: more } })
    const before = storage.keys().length
    await sweepStorage(prisma, storage.client, services.bucket, 3600, { batch: 1000 })
    expect(storage.keys().slice(before).filter(k => k.startsWith(`${prefix}poison/`))).toEqual([])
    expect(storage.keys().slice(before)).toContain(more)

    // Each refusal doubles the wait, up to an hour.
    await prisma.storageDeletion.updateMany({ where: { objectKey: { in: poison.slice(0, 2) } }, data: { nextAttemptAt: old } })
    await prisma.storageDeletion.update({ where: { objectKey: poison[1] }, data: { attempts: 9 } })
    await sweepStorage(prisma, storage.client, services.bucket, 3600, { batch: 1000 })
    const [first, second] = await prisma.storageDeletion.findMany({ where: { objectKey: { in: poison.slice(0, 2) } }, orderBy: { objectKey: 'asc' } })
    expect(first!.attempts).toBe(2)
    expect((first!.nextAttemptAt.getTime() - Date.now()) / 1000).toBeGreaterThan(100)
    expect((first!.nextAttemptAt.getTime() - Date.now()) / 1000).toBeLessThanOrEqual(120)
    expect(second!.attempts).toBe(10)
    expect((second!.nextAttemptAt.getTime() - Date.now()) / 1000).toBeGreaterThan(3500)
    expect((second!.nextAttemptAt.getTime() - Date.now()) / 1000).toBeLessThanOrEqual(3600)
  })

  it('when storage cannot be reached, the keys are due again at once, their attempts unchanged, and the run fails', async () => {
    const prefix = `down-${randomUUID()}/`
    const keys = [`${prefix}a`, `${prefix}b`]
    await prisma.storageDeletion.createMany({ data: keys.map(objectKey => ({ objectKey })) })
    const storage = watchedStorage(services.s3, { down: true })
    await expect(sweepStorage(prisma, storage.client, services.bucket, 3600)).rejects.toThrow(/ECONNREFUSED/)
    for (const row of await recorded(prefix)) {
      expect(row.attempts).toBe(0)
      expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000)
      expect(row.lastError).toMatch(/ECONNREFUSED/)
    }
    // Storage is back: the next run deletes them.
    await sweepStorage(prisma, services.s3, services.bucket, 3600)
    expect(await recorded(prefix)).toEqual([])
  })
})
