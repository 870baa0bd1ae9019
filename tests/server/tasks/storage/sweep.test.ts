import { readFile } from 'node:fs/promises'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import type { CreateUploadResponse } from '../../../../shared/types/api'
import { sweepStorage } from '../../../../server/utils/sweep'
import { api, createChatWithFiles, listObjectKeys, setupApp, signUpUser, useServices } from '../../../helpers/app'
import { outputDir } from '../../../helpers/paths'

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
