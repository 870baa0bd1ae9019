import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import type { UploadChatFilesResponse } from '../../../../../../../../shared/types/api'
import { createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../../../../../../../helpers/app'
import { expectApiError } from '../../../../../../../helpers/contract'
import { tinyPdf, tinyPng } from '../../../../../../../../prisma/seed'

// The same route with an allow-list of types (NUXT_UPLOAD_ALLOWED_TYPES): one server per set of limits.
await setupApp({ NUXT_UPLOAD_ALLOWED_TYPES: 'image/*,application/pdf' })
const services = useServices()
const { prisma, s3, bucket } = services

describe('POST /api/users/[user_id]/chats/[chat_id]/files with NUXT_UPLOAD_ALLOWED_TYPES', () => {
  const setup = async () => {
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [])
    const post = (...files: { name: string, body: Buffer | string, type: string }[]) => {
      const form = new FormData()
      for (const f of files) form.append('file', new Blob([typeof f.body === 'string' ? f.body : Uint8Array.from(f.body)], { type: f.type }), f.name)
      return fetch(`/api/users/${user.id}/chats/${chat.id}/files`, { method: 'POST', headers: { cookie: user.cookie }, body: form })
    }
    const left = async () => ({
      rows: await prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } }),
      // Stored files; thumbnails of images are made in the background and tested with their route.
      objects: ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `chats/${chat.id}/` }))).Contents ?? []).filter(o => !o.Key!.endsWith('.thumb.webp')).length,
    })
    return { post, left }
  }

  it('stores the types on the list, wildcards included', async () => {
    const { post, left } = await setup()
    const res = await post({ name: 'a.png', body: tinyPng(2, 2), type: 'image/png' }, { name: 'b.webp', body: 'RIFF', type: 'image/webp' }, { name: 'c.pdf', body: tinyPdf('c'), type: 'application/pdf' })
    expect(res.status).toBe(201)
    expect((await res.json() as UploadChatFilesResponse).chatFiles.map(f => f.type)).toEqual(['image/png', 'image/webp', 'application/pdf'])
    expect(await left()).toEqual({ rows: 3, objects: 3 })
  })

  it('answers 415 for a type off the list, even after accepted parts, and leaves neither row nor object', async () => {
    const { post, left } = await setup()
    const res = await post({ name: 'ok.png', body: tinyPng(2, 2), type: 'image/png' }, { name: 'page.html', body: '<script>alert(1)</script>', type: 'text/html' })
    expect(await expectApiError(res, 415, 'Unsupported Media Type')).toEqual({
      statusCode: 415,
      statusMessage: 'Unsupported Media Type',
      data: { message: 'Files of type text/html are not accepted (allowed: image/*,application/pdf)' },
    })
    expect(await left()).toEqual({ rows: 0, objects: 0 })
    // No declared type is application/octet-stream, which this list does not allow either.
    await expectApiError(post({ name: 'blob', body: 'x', type: '' }), 415)
    expect(await left()).toEqual({ rows: 0, objects: 0 })
  })
})
