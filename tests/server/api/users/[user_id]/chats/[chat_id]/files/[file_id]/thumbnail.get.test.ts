import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { demoPhoto } from '../../../../../../../../../prisma/seed'
import { api, createChatWithFiles, fetch, listObjectKeys, setupApp, signUpUser, useServices } from '../../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../../helpers/contract'

await setupApp()
const services = useServices()

/** Waits until `check` returns something truthy (background work), at most a few seconds. */
async function eventually<T>(check: () => Promise<T>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value || Date.now() > until) return value
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

describe('GET /api/users/[user_id]/chats/[chat_id]/files/[file_id]/thumbnail', () => {
  it('redirects to a 96×96 WebP of a photo, a few KB instead of the original\'s hundreds, cacheable privately', async () => {
    const user = await signUpUser()
    const photo = await demoPhoto(2400, 1600, 0, 12)
    const { chat, files } = await createChatWithFiles(services, user.id, [{ name: 'hills.jpg', type: 'image/jpeg', body: photo }])
    const link = `/api/users/${user.id}/chats/${chat.id}/files/${files[0]!.id}/thumbnail`

    const res = await api(link, user.cookie)
    expect(res.status).toBe(302)
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/)
    const image = await globalThis.fetch(res.headers.get('location')!)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/webp')
    expect(image.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/)
    const bytes = Buffer.from(await image.arrayBuffer())
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 96, height: 96 })
    expect(bytes.length).toBeLessThan(8 * 1024)
    expect(photo.length).toBeGreaterThan(50 * bytes.length)

    // Made once: the state is recorded, and the object sits beside the original.
    expect(await services.prisma.chatConversationFile.findUnique({ where: { id: files[0]!.id }, select: { thumbnail: true } })).toEqual({ thumbnail: 'ready' })
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toEqual([files[0]!.objectKey, `${files[0]!.objectKey}.thumb.webp`].sort())
  })

  it('is made right after an upload is confirmed, for files sent with curl too; deleted with its file', async () => {
    const user = await signUpUser()
    const chat = await services.prisma.chatConversation.create({ data: { userId: user.id, name: 'c' } })
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(await demoPhoto(800, 600, 1))], { type: 'image/jpeg' }), 'lake.jpg')
    form.append('file', new Blob(['plain text']), 'notes.txt')
    const res = await fetch(`/api/users/${user.id}/chats/${chat.id}/files`, { method: 'POST', headers: { cookie: user.cookie }, body: form })
    expect(res.status).toBe(201)
    const { chatFiles } = await res.json() as { chatFiles: { id: number }[] }

    // No one asked for it: it is made in the background all the same.
    const state = () => services.prisma.chatConversationFile.findUnique({ where: { id: chatFiles[0]!.id }, select: { thumbnail: true, objectKey: true } })
    expect((await eventually(async () => (await state())?.thumbnail))).toBe('ready')
    const { objectKey } = (await state())!
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toContain(`${objectKey}.thumb.webp`)
    expect((await services.prisma.chatConversationFile.findUnique({ where: { id: chatFiles[1]!.id }, select: { thumbnail: true } }))!.thumbnail).toBeNull()

    expect((await api(`/api/users/${user.id}/chats/${chat.id}/files/${chatFiles[0]!.id}`, user.cookie, { method: 'DELETE' })).status).toBe(204)
    expect(await eventually(async () => (await listObjectKeys(services, `chats/${chat.id}/`)).every(k => !k.startsWith(objectKey)))).toBe(true)
  })

  it('answers 404 "no thumbnail" for other types and for images that cannot be read, and remembers the latter', async () => {
    const user = await signUpUser()
    const { chat, files } = await createChatWithFiles(services, user.id, [
      { name: 'a.txt', type: 'text/plain', body: 'a' },
      { name: 'broken.png', type: 'image/png', body: 'not a png at all' },
      { name: 'logo.svg', type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
    ])
    for (const file of files) {
      const body = await expectApiError(api(`/api/users/${user.id}/chats/${chat.id}/files/${file.id}/thumbnail`, user.cookie), 404, 'Not Found')
      expect(body.data.message).toBe('This file has no thumbnail')
    }
    expect((await services.prisma.chatConversationFile.findUnique({ where: { id: files[1]!.id }, select: { thumbnail: true } }))!.thumbnail).toBe('unavailable')
    expect(await listObjectKeys(services, `chats/${chat.id}/`)).toEqual(files.map(f => f.objectKey).sort())
  })

  it('needs the session and the ownership: 401, 404, 400', async () => {
    const owner = await signUpUser()
    const other = await signUpUser()
    const { chat, files } = await createChatWithFiles(services, owner.id, [{ name: 'p.png', type: 'image/png', body: await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).png().toBuffer() }])
    const link = `/api/users/${owner.id}/chats/${chat.id}/files/${files[0]!.id}/thumbnail`
    await expectApiError(api(link, ''), 401)
    expect((await expectApiError(api(link, other.cookie), 404)).data.message).toBe('File not found')
    await expectApiError(api(`/api/users/${other.id}/chats/${chat.id}/files/${files[0]!.id}/thumbnail`, other.cookie), 404)
    await expectApiError(api(`/api/users/${owner.id}/chats/${chat.id}/files/x/thumbnail`, owner.cookie), 400)
    // Nothing was made for anyone who may not see it.
    expect((await services.prisma.chatConversationFile.findUnique({ where: { id: files[0]!.id }, select: { thumbnail: true } }))!.thumbnail).toBeNull()
  })
})
