import { randomUUID } from 'node:crypto'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { $fetch, fetch, setup, url } from '@nuxt/test-utils/e2e'
import { afterAll, inject } from 'vitest'
import type { AuthResponse } from '../../shared/types/api'
import { createPrismaClient } from '../../server/utils/prisma'
import { createS3Client } from '../../server/utils/storage'
import { s3SettingsFromEnv } from '../../server/utils/config'
import { outputDir, rootDir } from './paths'

export { $fetch, fetch, url }

/** The suite's shared service settings, plus per-file overrides. */
export function appEnv(overrides: Record<string, string> = {}) {
  return { ...inject('appEnv'), ...overrides }
}

/** Starts the production build of the app for this test file (one server per file); `options` add to it (a browser). */
export async function setupApp(overrides: Record<string, string> = {}, options: Partial<Parameters<typeof setup>[0]> = {}) {
  await setup({
    rootDir,
    fixture: false as unknown as string,
    build: false,
    server: true,
    nuxtConfig: { nitro: { output: { dir: outputDir } } },
    env: appEnv(overrides),
    ...options,
  })
}

/** Direct access to the suite's database and bucket, for arranging data and checking effects. */
export function useServices() {
  const env = appEnv()
  const prisma = createPrismaClient(env.DATABASE_URL, { max: 2 })
  const settings = s3SettingsFromEnv(env)
  const s3 = createS3Client(settings)
  afterAll(() => prisma.$disconnect())
  return { prisma, s3, bucket: settings.bucket }
}

export const password = 'correct horse battery'

/** Signs up a fresh user through the API and returns it with its session cookie. */
export async function signUpUser(email = `user-${randomUUID()}@example.com`) {
  const res = await fetch('/api/auth/sign-up', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
  const { user } = await res.json() as AuthResponse
  return { ...user, cookie: sessionCookie(res) }
}

/** `neptun-session=...` from a response's Set-Cookie, ready for a Cookie header. */
export function sessionCookie(res: Response): string {
  const cookie = res.headers.getSetCookie().find(c => c.startsWith('neptun-session='))
  if (!cookie) throw new Error('no neptun-session cookie in response')
  return cookie.split(';', 1)[0]!
}

export type Services = ReturnType<typeof useServices>

/** A chat owned by `userId`, with the given files stored in the bucket and recorded in order. */
export async function createChatWithFiles(
  { prisma, s3, bucket }: Services,
  userId: string,
  files: { name: string, type: string, body: Buffer | string, createdAt?: Date }[] = [],
  name = 'Test chat',
) {
  const chat = await prisma.chatConversation.create({ data: { userId, name } })
  const rows = []
  for (const file of files) {
    const body = Buffer.from(file.body)
    const objectKey = `chats/${chat.id}/${randomUUID()}`
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: body, ContentType: file.type }))
    rows.push(await prisma.chatConversationFile.create({
      data: { chatConversationId: chat.id, name: file.name, type: file.type, size: body.length, objectKey, createdAt: file.createdAt },
    }))
  }
  return { chat, files: rows }
}

/** Keys of the objects stored under `prefix` (e.g. `chats/12/`). */
export async function listObjectKeys({ s3, bucket }: Services, prefix: string): Promise<string[]> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3')
  const res = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))
  return (res.Contents ?? []).map(o => o.Key!).sort()
}

/** A JSON request with the user's cookie. */
export function api(path: string, cookie: string, init: { method?: string, body?: unknown } = {}) {
  return fetch(path, {
    method: init.method ?? 'GET',
    headers: { cookie, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    redirect: 'manual',
  })
}
