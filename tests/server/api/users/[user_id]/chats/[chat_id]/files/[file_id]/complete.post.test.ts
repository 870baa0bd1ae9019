import { createHash } from 'node:crypto'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import type { ChatFileResponse, CreateUploadResponse, GetChatFilesResponse } from '../../../../../../../../../shared/types/api'
import { api, createChatWithFiles, listObjectKeys, setupApp, signUpUser, useServices } from '../../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../../helpers/contract'
import { storageClient } from '../../../../../../../../helpers/storage'

await setupApp()
const services = useServices()

const objectKeyOf = async (fileId: number) => (await services.prisma.chatConversationFile.findUniqueOrThrow({ where: { id: fileId } })).objectKey

/** A reserved upload; `put` sends bytes to its presigned URL as a browser would, with the headers it was given. */
async function reserve(declared: { name: string, size: number, type: string, sha256?: string }) {
  const user = await signUpUser()
  const { chat } = await createChatWithFiles(services, user.id, [])
  const base = `/api/users/${user.id}/chats/${chat.id}/files`
  const { upload } = await (await api(`${base}/uploads`, user.cookie, { method: 'POST', body: declared })).json() as CreateUploadResponse
  return {
    user, chat, upload, base,
    put: (body: string, type = upload.headers['content-type']!) => fetch(upload.url, { method: 'PUT', body, headers: { ...upload.headers, 'content-type': type } }),
    complete: () => api(`${base}/${upload.file_id}/complete`, user.cookie, { method: 'POST' }),
  }
}

describe('POST /api/users/[user_id]/chats/[chat_id]/files/[file_id]/complete', () => {
  it('after the PUT, the file counts: 200 {chatFile} shaped like a listing entry, then listed', async () => {
    const r = await reserve({ name: 'Straße ☕.txt', size: 11, type: 'text/plain' })
    expect((await r.put('hello world')).status).toBe(200)
    const res = await r.complete()
    expect(res.status).toBe(200)
    const { chatFile } = await res.json() as ChatFileResponse
    expect(chatFile).toMatchObject({ id: r.upload.file_id, chat_conversation_id: r.chat.id, name: 'Straße ☕.txt', size: 11, type: 'text/plain' })
    expect(Object.keys(chatFile).sort()).toEqual(['chat_conversation_id', 'created_at', 'id', 'name', 'size', 'type', 'url'])
    expect(await fetch(chatFile.url).then(d => d.text())).toBe('hello world')
    const listing = await api(r.base, r.user.cookie).then(d => d.json()) as GetChatFilesResponse
    expect(listing.chatFiles.map(f => ({ ...f, url: undefined }))).toEqual([{ ...chatFile, url: undefined }])
    // Completing again is harmless and answers the same file.
    expect((await (await r.complete()).json() as ChatFileResponse).chatFile.id).toBe(chatFile.id)
  })

  it('answers 409 before anything was PUT, and the upload can still be finished', async () => {
    const r = await reserve({ name: 'late.txt', size: 4, type: 'text/plain' })
    expect((await expectApiError(r.complete(), 409, 'Conflict')).data.message).toMatch(/not been uploaded/)
    await r.put('late')
    expect((await r.complete()).status).toBe(200)
  })

  it('the upload URL is bound to the declared size and type: storage refuses anything else, storing nothing', async () => {
    const r = await reserve({ name: 'liar.txt', size: 3, type: 'text/plain' })
    for (const res of [await r.put('much longer than three bytes'), await r.put('ab'), await r.put('abc', 'text/html')]) {
      expect(res.status).toBe(403)
      expect(await res.text()).toMatch(/<Code>(AccessDenied|SignatureDoesNotMatch)<\/Code>/)
    }
    expect(await listObjectKeys(services, `chats/${r.chat.id}/`)).toEqual([])
    expect((await expectApiError(r.complete(), 409, 'Conflict')).data.message).toMatch(/not been uploaded/)
  })

  it('answers 422 and removes row and object when the stored size differs from the declared one', async () => {
    const r = await reserve({ name: 'liar.txt', size: 3, type: 'text/plain' })
    // Written past the URL (storage enforces the URL's signed length): the server's own check still catches it.
    await services.s3.send(new PutObjectCommand({ Bucket: services.bucket, Key: await objectKeyOf(r.upload.file_id), Body: 'much longer than three bytes', ContentType: 'text/plain' }))
    expect((await expectApiError(r.complete(), 422, 'Unprocessable Entity')).data.message).toMatch(/bytes arrived/)
    expect(await services.prisma.chatConversationFile.findUnique({ where: { id: r.upload.file_id } })).toBeNull()
    expect(await listObjectKeys(services, `chats/${r.chat.id}/`)).toEqual([])
  })

  it('answers 422 when the stored type differs from the declared one', async () => {
    const r = await reserve({ name: 'image.png', size: 5, type: 'image/png' })
    await services.s3.send(new PutObjectCommand({ Bucket: services.bucket, Key: await objectKeyOf(r.upload.file_id), Body: '<svg>', ContentType: 'image/svg+xml' }))
    expect((await expectApiError(r.complete(), 422)).data.message).toMatch(/type image\/svg\+xml arrived/)
    expect(await listObjectKeys(services, `chats/${r.chat.id}/`)).toEqual([])
  })

  it('with a declared SHA-256, storage itself refuses a different body (400 BadDigest, nothing stored); the right one completes', async () => {
    const sha256 = createHash('sha256').update('hello world').digest('base64')
    const r = await reserve({ name: 'checked.txt', size: 11, type: 'text/plain', sha256 })
    expect(r.upload.headers).toEqual({ 'content-type': 'text/plain', 'x-amz-checksum-sha256': sha256 })
    // Same size and type, other bytes: refused by storage before it stores anything.
    const tampered = await r.put('HELLO WORLD')
    expect(tampered.status).toBe(400)
    expect(await tampered.text()).toMatch(/<Code>BadDigest<\/Code>/)
    // Without the header the URL's signature does not hold (the header is signed).
    const bare = await fetch(r.upload.url, { method: 'PUT', body: 'hello world', headers: { 'content-type': 'text/plain' } })
    expect(bare.status).toBe(403)
    expect(await listObjectKeys(services, `chats/${r.chat.id}/`)).toEqual([])
    await expectApiError(r.complete(), 409, 'Conflict')

    expect((await r.put('hello world')).status).toBe(200)
    const res = await r.complete()
    expect(res.status).toBe(200)
    expect(await fetch((await res.json() as ChatFileResponse).chatFile.url).then(d => d.text())).toBe('hello world')
  })

  it('when storage keeps no SHA-256 for the object, complete reads it through SHA-256: 200 when it matches', async () => {
    const r = await reserve({ name: 'unchecked.txt', size: 11, type: 'text/plain', sha256: createHash('sha256').update('hello world').digest('hex') })
    // Written around the checksum gate, straight to RGW 16, which records no checksum.
    const direct = storageClient({ direct: true })
    await direct.send(new PutObjectCommand({ Bucket: services.bucket, Key: await objectKeyOf(r.upload.file_id), Body: 'hello world', ContentType: 'text/plain' }))
    direct.destroy()
    expect((await r.complete()).status).toBe(200)
  })

  it('answers 422 and removes row and object when the stored bytes differ from the declared SHA-256 (same size and type)', async () => {
    const r = await reserve({ name: 'tampered.txt', size: 11, type: 'text/plain', sha256: createHash('sha256').update('hello world').digest('base64') })
    const direct = storageClient({ direct: true })
    await direct.send(new PutObjectCommand({ Bucket: services.bucket, Key: await objectKeyOf(r.upload.file_id), Body: 'HELLO WORLD', ContentType: 'text/plain' }))
    direct.destroy()
    const error = await expectApiError(r.complete(), 422, 'Unprocessable Entity')
    expect(error.data.message).toBe(`The uploaded file does not match what was declared: its SHA-256 is ${createHash('sha256').update('HELLO WORLD').digest('base64')}, ${createHash('sha256').update('hello world').digest('base64')} was declared; it was discarded`)
    expect(await services.prisma.chatConversationFile.findUnique({ where: { id: r.upload.file_id } })).toBeNull()
    expect(await listObjectKeys(services, `chats/${r.chat.id}/`)).toEqual([])
  })

  it('answers 404 to anyone but the owner, and for unknown files', async () => {
    const r = await reserve({ name: 'a.txt', size: 1, type: 'text/plain' })
    await r.put('a')
    const stranger = await signUpUser()
    await expectApiError(api(`/api/users/${stranger.id}/chats/${r.chat.id}/files/${r.upload.file_id}/complete`, stranger.cookie, { method: 'POST' }), 404, 'Not Found')
    await expectApiError(api(`/api/users/${r.user.id}/chats/${r.chat.id}/files/${r.upload.file_id}/complete`, stranger.cookie, { method: 'POST' }), 404, 'Not Found')
    await expectApiError(api(`${r.base}/2147483647/complete`, r.user.cookie, { method: 'POST' }), 404, 'Not Found')
    await expectApiError(api(`${r.base}/abc/complete`, r.user.cookie, { method: 'POST' }), 400)
  })
})
