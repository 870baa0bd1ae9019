import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { HeadObjectCommand } from '@aws-sdk/client-s3'
import { useTestContext } from '@nuxt/test-utils/e2e'
import { describe, expect, it } from 'vitest'
import type { UploadChatFilesResponse } from '../../../../../../../../shared/types/api'
import { createChatWithFiles, fetch, setupApp, signUpUser, useServices } from '../../../../../../../helpers/app'

// Uploads stream through the server: a 200 MiB file must not cost the server 200 MiB of memory.
await setupApp({ NUXT_UPLOAD_MAX_BYTES: '300000000' })
const services = useServices()

const SIZE = 200 * 1024 * 1024
const CHUNK = 256 * 1024
const letters = Buffer.alloc(CHUNK, 'abcdefghijklmnopqrstuvwxyz')

/** The file's bytes from `offset` (a multiple of CHUNK): letters, each chunk stamped with its offset. */
function chunkAt(offset: number): Buffer {
  const chunk = Buffer.from(letters)
  chunk.write(`[${offset}]`)
  return chunk.subarray(0, Math.min(CHUNK, SIZE - offset))
}

/** kB figures from /proc/<pid>/status: current and peak resident set size. */
function memory(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1])
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

describe('POST /api/users/[user_id]/chats/[chat_id]/files, memory', () => {
  it('streams a 200 MiB upload to storage while the server\'s peak RSS grows by far less than 200 MiB', async () => {
    const serverProcess = useTestContext().serverProcess
    const pid = serverProcess?.pid ?? serverProcess?.process?.pid
    expect(pid).toBeTypeOf('number')
    const user = await signUpUser()
    const { chat } = await createChatWithFiles(services, user.id, [])
    const path = `/api/users/${user.id}/chats/${chat.id}/files`

    // Warm-up: code loaded on first use (busboy, lib-storage, the SDK's multipart commands) is not counted.
    const warmUp = new FormData()
    warmUp.append('file', new Blob([randomBytes(6 * 1024 * 1024)]), 'warm-up.bin')
    expect((await fetch(path, { method: 'POST', headers: { cookie: user.cookie }, body: warmUp })).status).toBe(201)

    // The multipart body by hand, generated while it is sent: the test holds no more than a chunk either.
    const boundary = `----memory-${randomBytes(8).toString('hex')}`
    async function* parts() {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`)
      for (let offset = 0; offset < SIZE; offset += CHUNK) yield chunkAt(offset)
      yield Buffer.from(`\r\n--${boundary}--\r\n`)
    }
    const source = parts()
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await source.next()
        if (done) controller.close()
        else controller.enqueue(value)
      },
    })

    // Peak RSS counted from here: "5" resets VmHWM to the current RSS (Linux ≥ 4.0).
    let resetPeak = true
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5')
    }
    catch {
      resetPeak = false
    }
    const before = memory(pid!)
    const started = Date.now()
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'cookie': user.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit)
    const seconds = (Date.now() - started) / 1000
    const after = memory(pid!)
    expect(res.status).toBe(201)
    const { chatFiles: [file] } = await res.json() as UploadChatFilesResponse

    const baseline = resetPeak ? before.rss : before.peak
    const growthMiB = (after.peak - baseline) / 1024
    console.log(`200 MiB upload in ${seconds.toFixed(1)} s (${(200 / seconds).toFixed(0)} MiB/s); server RSS before ${(before.rss / 1024).toFixed(1)} MiB, `
      + `peak during ${(after.peak / 1024).toFixed(1)} MiB${resetPeak ? '' : ' (peak not resettable: measured against the earlier peak)'}, growth ${growthMiB.toFixed(1)} MiB`)
    expect(growthMiB).toBeLessThan(120)

    expect(file).toMatchObject({ name: 'big.bin', size: SIZE, type: 'application/octet-stream' })
    const row = await services.prisma.chatConversationFile.findUniqueOrThrow({ where: { id: file!.id } })
    const head = await services.s3.send(new HeadObjectCommand({ Bucket: services.bucket, Key: row.objectKey }))
    expect(head.ContentLength).toBe(SIZE)
    // Bytes in order across the 5 MiB part boundaries and at the very end.
    for (const offset of [0, 5 * 1024 * 1024 - 3, 40 * 1024 * 1024 - 5, SIZE - 100]) {
      const ranged = await globalThis.fetch(file!.url, { headers: { range: `bytes=${offset}-${offset + 99}` } })
      const start = offset - (offset % CHUNK)
      const expected = Buffer.concat([chunkAt(start), offset + 100 > start + CHUNK ? chunkAt(start + CHUNK) : Buffer.alloc(0)]).subarray(offset - start, offset - start + 100)
      expect(Buffer.from(await ranged.arrayBuffer()).equals(expected)).toBe(true)
    }
  }, 300_000)
})
