import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { ChatFileResponse, CreateUploadResponse, GetChatFilesResponse } from '../../../../../../../../../shared/types/api'
import { api, createChatWithFiles, listObjectKeys, setupApp, signUpUser, useServices } from '../../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../../helpers/contract'

await setupApp()
const services = useServices()

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

  it('answers 422 and removes row and object when the stored size differs from the declared one', async () => {
    const r = await reserve({ name: 'liar.txt', size: 3, type: 'text/plain' })
    // s3rver does not enforce the signed Content-Length the way S3 does; the server's check still catches it.
    await r.put('much longer than three bytes')
    expect((await expectApiError(r.complete(), 422, 'Unprocessable Entity')).data.message).toMatch(/bytes arrived/)
    expect(await services.prisma.chatConversationFile.findUnique({ where: { id: r.upload.file_id } })).toBeNull()
    expect(await listObjectKeys(services, `chats/${r.chat.id}/`)).toEqual([])
  })

  it('answers 422 when the stored type differs from the declared one', async () => {
    const r = await reserve({ name: 'image.png', size: 5, type: 'image/png' })
    await r.put('<svg>', 'image/svg+xml')
    expect((await expectApiError(r.complete(), 422)).data.message).toMatch(/type image\/svg\+xml arrived/)
    expect(await listObjectKeys(services, `chats/${r.chat.id}/`)).toEqual([])
  })

  it('with a declared SHA-256: completes when the stored bytes have it (computed by reading them: s3rver keeps no checksum)', async () => {
    const sha256 = createHash('sha256').update('hello world').digest('base64')
    const r = await reserve({ name: 'checked.txt', size: 11, type: 'text/plain', sha256 })
    expect(r.upload.headers['x-amz-checksum-sha256']).toBe(sha256)
    expect((await r.put('hello world')).status).toBe(200)
    const res = await r.complete()
    expect(res.status).toBe(200)
    expect(await fetch((await res.json() as ChatFileResponse).chatFile.url).then(d => d.text())).toBe('hello world')
  })

  it('answers 422 and removes row and object when the stored bytes differ from the declared SHA-256 (same size and type)', async () => {
    const r = await reserve({ name: 'tampered.txt', size: 11, type: 'text/plain', sha256: createHash('sha256').update('hello world').digest('base64') })
    // Storage that verifies x-amz-checksum-sha256 refuses this PUT itself; s3rver stores it, and complete catches it.
    await r.put('HELLO WORLD')
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
