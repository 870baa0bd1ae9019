import { createHash, randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../../prisma/migrate'
import { createPrismaClient } from '../../../server/utils/prisma'
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/scratch-db'

// The schema and the migrations agree: the generated client, built from prisma/schema.prisma, works
// against a database built only from prisma/migrations, and that database has exactly the columns
// the schema maps to.

let db: ScratchDatabase
let prisma: ReturnType<typeof createPrismaClient>

beforeAll(async () => {
  db = await createScratchDatabase()
  await migrate(db.url)
  prisma = createPrismaClient(db.url, { max: 2 })
})

afterAll(async () => {
  await prisma?.$disconnect()
  await db?.drop()
})

async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  }
  finally {
    await client.end()
  }
}

const email = () => `user-${randomUUID()}@example.com`

describe('the schema and the migrations agree', () => {
  it('round-trips every model with every field set', async () => {
    const user = {
      id: randomUUID(),
      email: `Zoë.ünïcødé+${randomUUID()}@exämple.com`,
      passwordHash: '$scrypt$n=16384,r=8,p=1$c2FsdA$aGFzaA',
      createdAt: new Date('2024-02-29T23:59:58.123Z'),
    }
    const chat = {
      id: 2_000_000_000,
      userId: user.id,
      name: 'Chat — 日本語 🚀 «quotes» \'single\' "double"',
      createdAt: new Date('2024-03-01T00:00:00.001Z'),
    }
    const file = {
      id: 2_000_000_001,
      chatConversationId: chat.id,
      name: 'Grüße – naïve ☕ 文件.bin',
      size: 5_000_000_000n,
      type: 'application/octet-stream',
      objectKey: `chats/${chat.id}/${randomUUID()}`,
      createdAt: new Date('2024-03-01T12:34:56.789Z'),
      completedAt: new Date('2024-03-01T12:35:00.001Z'),
      sha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
      thumbnail: 'ready',
    }

    expect(await prisma.user.create({ data: user })).toEqual(user)
    expect(await prisma.chatConversation.create({ data: chat })).toEqual(chat)
    expect(await prisma.chatConversationFile.create({ data: file })).toEqual(file)

    const userSelect = { id: true, email: true, passwordHash: true, createdAt: true } as const
    const chatSelect = { id: true, userId: true, name: true, createdAt: true } as const
    const fileSelect = { id: true, chatConversationId: true, name: true, size: true, type: true, objectKey: true, createdAt: true, completedAt: true, sha256: true, thumbnail: true } as const

    expect(await prisma.user.findUnique({ where: { id: user.id }, select: userSelect })).toEqual(user)
    expect(await prisma.user.findUnique({ where: { email: user.email }, select: userSelect })).toEqual(user)
    expect(await prisma.chatConversation.findUnique({ where: { id: chat.id }, select: chatSelect })).toEqual(chat)
    expect(await prisma.chatConversationFile.findUnique({ where: { id: file.id }, select: fileSelect })).toEqual(file)
    expect(await prisma.chatConversationFile.findUnique({ where: { objectKey: file.objectKey }, select: fileSelect })).toEqual(file)
    expect(await prisma.chatConversation.findMany({ where: { userId: user.id }, select: chatSelect })).toEqual([chat])
    expect(await prisma.chatConversationFile.findMany({ where: { chatConversationId: chat.id }, select: fileSelect })).toEqual([file])

    // The relations, both ways.
    expect(await prisma.user.findUnique({
      where: { id: user.id },
      select: { ...userSelect, chats: { select: { ...chatSelect, files: { select: fileSelect } } } },
    })).toEqual({ ...user, chats: [{ ...chat, files: [file] }] })
    expect(await prisma.chatConversationFile.findUnique({
      where: { id: file.id },
      select: { id: true, chat: { select: { ...chatSelect, user: { select: userSelect } } } },
    })).toEqual({ id: file.id, chat: { ...chat, user } })

    // What actually landed in the columns, read past the client.
    const [raw] = await query('SELECT size::text AS size, created_at FROM chat_conversation_file WHERE id = $1', [file.id])
    expect(raw).toEqual({ size: '5000000000', created_at: file.createdAt })
  })

  it('fills in the defaults: uuid ids, autoincrement ids, created_at', async () => {
    const before = Date.now()
    const user = await prisma.user.create({ data: { email: email(), passwordHash: 'x' } })
    const chat1 = await prisma.chatConversation.create({ data: { userId: user.id, name: 'one' } })
    const chat2 = await prisma.chatConversation.create({ data: { userId: user.id, name: 'two' } })
    const file = await prisma.chatConversationFile.create({ data: { chatConversationId: chat1.id, name: 'f', size: 0, type: 't', objectKey: randomUUID() } })
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(chat2.id).toBeGreaterThan(chat1.id)
    expect(file.id).toBeGreaterThan(0)
    expect(file.size).toBe(0n)
    for (const createdAt of [user.createdAt, chat1.createdAt, file.createdAt]) {
      expect(createdAt.getTime()).toBeGreaterThanOrEqual(before - 60_000)
      expect(createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000)
    }
  })

  it('round-trips UserSession and AuthThrottle; deleting a user deletes their sessions', async () => {
    const user = await prisma.user.create({ data: { email: email(), passwordHash: 'x' } })
    const session = {
      id: randomUUID(),
      userId: user.id,
      createdAt: new Date('2024-05-05T05:05:05.555Z'),
      lastSeenAt: new Date('2024-05-05T06:05:05.555Z'),
      userAgent: 'Mozilla/5.0 — ünïcode',
      clientAddress: '2001:db8::1',
      revokedAt: new Date('2024-05-05T07:05:05.555Z'),
    }
    expect(await prisma.userSession.create({ data: session })).toEqual(session)
    const fresh = await prisma.userSession.create({ data: { id: randomUUID(), userId: user.id } })
    expect(fresh).toMatchObject({ userAgent: '', clientAddress: '', revokedAt: null })
    expect(fresh.lastSeenAt).toEqual(fresh.createdAt)

    const counter = { key: `password:address:${randomUUID()}`, hits: 7, resetAt: new Date('2024-05-05T05:20:05.555Z') }
    expect(await prisma.authThrottle.create({ data: counter })).toEqual(counter)
    await expect(prisma.authThrottle.create({ data: counter })).rejects.toMatchObject({ code: 'P2002' })

    await prisma.user.delete({ where: { id: user.id } })
    expect(await prisma.userSession.count({ where: { userId: user.id } })).toBe(0)
  })

  it('rejects a second user with the same email with P2002', async () => {
    const address = email()
    await prisma.user.create({ data: { email: address, passwordHash: 'x' } })
    await expect(prisma.user.create({ data: { email: address, passwordHash: 'y' } })).rejects.toMatchObject({ code: 'P2002' })
    expect(await prisma.user.count({ where: { email: address } })).toBe(1)
  })

  it('round-trips StorageDeletion, and records the object key of every deleted file row (trigger)', async () => {
    const pending = { objectKey: `chats/1/${randomUUID()}`, createdAt: new Date('2024-05-05T05:05:05.555Z'), attempts: 3, nextAttemptAt: new Date('2024-05-05T06:05:05.555Z'), lastError: 'AccessDenied: no' }
    expect(await prisma.storageDeletion.create({ data: pending })).toEqual(pending)
    expect(await prisma.storageDeletion.findUnique({ where: { objectKey: pending.objectKey } })).toEqual(pending)

    const user = await prisma.user.create({ data: { email: `trigger-${randomUUID()}@example.com`, passwordHash: 'x' } })
    const chat = await prisma.chatConversation.create({ data: { userId: user.id, name: 'c' } })
    const keys = [`chats/${chat.id}/${randomUUID()}`, `chats/${chat.id}/${randomUUID()}`]
    for (const objectKey of keys) await prisma.chatConversationFile.create({ data: { chatConversationId: chat.id, name: 'f', size: 1, type: 'text/plain', objectKey } })
    const recorded = () => prisma.storageDeletion.findMany({ where: { objectKey: { in: keys } }, select: { objectKey: true }, orderBy: { objectKey: 'asc' } })

    await prisma.chatConversationFile.delete({ where: { objectKey: keys[0] } })
    expect(await recorded()).toEqual([{ objectKey: keys[0] }])
    // A cascade from the user deletes the chat and its files: their keys are recorded the same way.
    await prisma.user.delete({ where: { id: user.id } })
    expect(await recorded()).toEqual([...keys].sort().map(objectKey => ({ objectKey })))
  })

  it('records the thumbnail key of a deleted image too, made or not; thumbnail takes only its two states', async () => {
    const user = await prisma.user.create({ data: { email: email(), passwordHash: 'x' } })
    const chat = await prisma.chatConversation.create({ data: { userId: user.id, name: 'c' } })
    const image = await prisma.chatConversationFile.create({ data: { chatConversationId: chat.id, name: 'p.jpg', size: 1, type: 'image/jpeg', objectKey: `chats/${chat.id}/${randomUUID()}` } })
    const made = await prisma.chatConversationFile.create({ data: { chatConversationId: chat.id, name: 'q.png', size: 1, type: 'image/png', objectKey: `chats/${chat.id}/${randomUUID()}`, thumbnail: 'ready' } })
    const text = await prisma.chatConversationFile.create({ data: { chatConversationId: chat.id, name: 't.txt', size: 1, type: 'text/plain', objectKey: `chats/${chat.id}/${randomUUID()}` } })
    await expect(prisma.chatConversationFile.update({ where: { id: text.id }, data: { thumbnail: 'maybe' } })).rejects.toThrow()

    await prisma.chatConversation.delete({ where: { id: chat.id } })
    const keys = [image, made, text].map(f => f.objectKey)
    const recorded = await prisma.storageDeletion.findMany({ where: { objectKey: { startsWith: `chats/${chat.id}/` } }, select: { objectKey: true } })
    expect(recorded.map(r => r.objectKey).sort()).toEqual([...keys, `${image.objectKey}.thumb.webp`, `${made.objectKey}.thumb.webp`].sort())
  })

  it('rejects a second file with the same object_key with P2002', async () => {
    const user = await prisma.user.create({ data: { email: email(), passwordHash: 'x' } })
    const chat = await prisma.chatConversation.create({ data: { userId: user.id, name: 'c' } })
    const objectKey = `chats/${chat.id}/${randomUUID()}`
    const data = { chatConversationId: chat.id, name: 'a', size: 1, type: 'text/plain', objectKey }
    await prisma.chatConversationFile.create({ data })
    await expect(prisma.chatConversationFile.create({ data: { ...data, name: 'b' } })).rejects.toMatchObject({ code: 'P2002' })
    expect(await prisma.chatConversationFile.count({ where: { objectKey } })).toBe(1)
  })

  it('stores a declared SHA-256 only in the form S3 writes it: base64 of 32 bytes, canonical', async () => {
    const user = await prisma.user.create({ data: { email: email(), passwordHash: 'x' } })
    const chat = await prisma.chatConversation.create({ data: { userId: user.id, name: 'c' } })
    const data = (sha256: string) => ({ chatConversationId: chat.id, name: 'a', size: 1, type: 'text/plain', objectKey: `chats/${chat.id}/${randomUUID()}`, sha256 })
    const digest = createHash('sha256').update('a').digest()
    await prisma.chatConversationFile.create({ data: data(digest.toString('base64')) })
    for (const bad of [digest.toString('hex'), digest.toString('base64url'), `${digest.toString('base64').slice(0, 42)}B=`, 'x'.repeat(44)]) {
      await expect(prisma.chatConversationFile.create({ data: data(bad) }), bad).rejects.toThrow(/chat_conversation_file_sha256_check/)
    }
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: chat.id } })).toBe(1)
  })

  it('deleting a chat deletes its files; deleting a user deletes their chats and files', async () => {
    const user = await prisma.user.create({ data: { email: email(), passwordHash: 'x' } })
    const other = await prisma.user.create({ data: { email: email(), passwordHash: 'x' } })
    const chats = await Promise.all(['a', 'b'].map(name => prisma.chatConversation.create({ data: { userId: user.id, name } })))
    const otherChat = await prisma.chatConversation.create({ data: { userId: other.id, name: 'other' } })
    for (const chat of [...chats, otherChat]) {
      for (const name of ['1', '2']) await prisma.chatConversationFile.create({ data: { chatConversationId: chat.id, name, size: 1, type: 't', objectKey: randomUUID() } })
    }

    await prisma.chatConversation.delete({ where: { id: chats[0]!.id } })
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: chats[0]!.id } })).toBe(0)
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: chats[1]!.id } })).toBe(2)

    await prisma.user.delete({ where: { id: user.id } })
    expect(await prisma.chatConversation.count({ where: { userId: user.id } })).toBe(0)
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: chats[1]!.id } })).toBe(0)

    // Nothing of anyone else's went with them.
    expect(await prisma.chatConversation.count({ where: { userId: other.id } })).toBe(1)
    expect(await prisma.chatConversationFile.count({ where: { chatConversationId: otherChat.id } })).toBe(2)
  })

  it('has the indexes the listings use', async () => {
    const indexes = await query<{ tablename: string, indexdef: string }>(`
      SELECT tablename, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename IN ('chat_conversation', 'chat_conversation_file', 'user_session', 'storage_deletion', 'auth_throttle')`)
    const columnsOf = (table: string) => indexes.filter(i => i.tablename === table).map(i => i.indexdef.replace(/^.* USING btree \((.*)\)$/, '$1'))
    expect(columnsOf('chat_conversation_file')).toContain('chat_conversation_id, created_at, id')
    expect(columnsOf('chat_conversation')).toContain('user_id, created_at DESC, id DESC')
    // Signing out everywhere, listing sessions; the sweep's due keys; the cleanup of ended counters.
    expect(columnsOf('user_session')).toContain('user_id')
    expect(columnsOf('storage_deletion')).toContain('next_attempt_at')
    expect(columnsOf('auth_throttle')).toContain('reset_at')
  })

  it('has exactly the tables and columns the schema maps to, with the right types and nullability', async () => {
    const text = 'text', integer = 'integer', bigint = 'bigint', timestamptz = 'timestamp with time zone'
    const expected: Record<string, [column: string, type: string][]> = {
      user: [['id', text], ['email', text], ['password_hash', text], ['created_at', timestamptz]],
      chat_conversation: [['id', integer], ['user_id', text], ['name', text], ['created_at', timestamptz]],
      chat_conversation_file: [['id', integer], ['chat_conversation_id', integer], ['name', text], ['size', bigint], ['type', text], ['object_key', text], ['created_at', timestamptz], ['completed_at', timestamptz], ['sha256', text], ['thumbnail', text]],
      storage_deletion: [['object_key', text], ['created_at', timestamptz], ['attempts', integer], ['next_attempt_at', timestamptz], ['last_error', text]],
      user_session: [['id', text], ['user_id', text], ['created_at', timestamptz], ['last_seen_at', timestamptz], ['user_agent', text], ['client_address', text], ['revoked_at', timestamptz]],
      auth_throttle: [['key', text], ['hits', integer], ['reset_at', timestamptz]],
    }
    const columns = await query<{ table_name: string, column_name: string, data_type: string, is_nullable: string, datetime_precision: number | null }>(`
      SELECT table_name, column_name, data_type, is_nullable, datetime_precision
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY table_name, ordinal_position`)

    const actual: Record<string, [string, string][]> = {}
    for (const c of columns) (actual[c.table_name] ??= []).push([c.column_name, c.data_type])
    expect(actual).toEqual(expected)
    // Every field of the schema is required but completedAt (null while an upload is pending), sha256 (none
    // declared), thumbnail (null until made), a deletion's last error and a session's revocation time; every
    // DateTime is @db.Timestamptz(3).
    expect(columns.filter(c => c.is_nullable !== 'NO').map(c => `${c.table_name}.${c.column_name}`).sort())
      .toEqual(['chat_conversation_file.completed_at', 'chat_conversation_file.sha256', 'chat_conversation_file.thumbnail', 'storage_deletion.last_error', 'user_session.revoked_at'])
    expect(columns.filter(c => c.data_type === timestamptz && c.datetime_precision !== 3)).toEqual([])
  })
})
