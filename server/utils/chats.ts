import { z } from 'zod'
import type { H3Event } from 'h3'
import { chatNotFound } from './errors'
import type { Chat, ChatFile, ChatSummary } from '#shared/types/api'
import type { ChatConversationFile, PrismaClient } from '../generated/prisma/client'
import { usePrisma } from './prisma'

// PostgreSQL `integer` ids: a larger number cannot name a row and would make the query itself fail.
const MAX_INT4 = 2_147_483_647

/** A positive integer id in a path segment: digits only, no sign, exponent, hex or padding. */
export const idParam = z.string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .refine(n => n <= MAX_INT4, 'is out of range')

/** User ids are compared with the session's, never looked up, so only their length needs a bound. */
export const userIdParam = z.string().min(1).max(64, 'is too long')

export const userRouteParams = z.object({ user_id: userIdParam })
export const chatRouteParams = z.object({ user_id: userIdParam, chat_id: idParam })

/**
 * The session's user and the route's validated params. Routes live under /api/users/[user_id]: a path
 * naming anyone but the session's user is answered like a missing chat (or `notFound`), before any query.
 */
export async function requireOwnRoute<T extends { user_id: string }>(event: H3Event, schema: z.ZodType<T, unknown>, notFound = chatNotFound) {
  const { user } = await requireUserSession(event)
  const params = await getValidatedRouterParams(event, schema.parse)
  if (params.user_id !== user.id) throw notFound()
  return { user, params }
}

export const chatFileColumns = { id: true, chatConversationId: true, name: true, size: true, type: true, objectKey: true, createdAt: true } as const

/** A stored file as the routes read it: the `chatFileColumns` of a row. */
export type StoredChatFile = Pick<ChatConversationFile, keyof typeof chatFileColumns>

/**
 * The files of chat `chatId` if, and only if, it belongs to `ownerId`, oldest first (created_at, then id),
 * completed uploads only. `null` for a missing chat and for someone else's alike.
 *
 * One round trip with ownership inside the query: the chat row LEFT JOINed to its files, so a missing or
 * foreign chat gives no row and a chat without files one row of NULLs. Written as SQL because it is the
 * listing's hot path: Prisma's nested read of the same data (`relationLoadStrategy: 'join'`) has the
 * database build a JSONB document per file and the client parse it back, about twice the time of these
 * plain rows (bench/results.json, "queries"). Column types come back as Prisma maps them (int8 → bigint,
 * timestamptz → Date), so rows are exactly what `findFirst({ select: chatFileColumns })` gives.
 */
export async function findChatFilesOfOwner(ownerId: string, chatId: number, prisma: PrismaClient = usePrisma()): Promise<StoredChatFile[] | null> {
  const rows = await prisma.$queryRaw<(StoredChatFile | { [K in keyof StoredChatFile]: null })[]>`
    SELECT f.id, f.chat_conversation_id AS "chatConversationId", f.name, f.size, f.type,
           f.object_key AS "objectKey", f.created_at AS "createdAt"
    FROM chat_conversation c
    LEFT JOIN chat_conversation_file f ON f.chat_conversation_id = c.id AND f.completed_at IS NOT NULL
    WHERE c.id = ${chatId} AND c.user_id = ${ownerId}
    ORDER BY f.created_at, f.id`
  if (rows.length === 0) return null
  return rows[0]!.id === null ? [] : rows as StoredChatFile[]
}

/** The contract's ChatFile for a stored row and its download URL. */
export function toChatFile(file: StoredChatFile, url: string): ChatFile {
  return {
    id: file.id,
    chat_conversation_id: file.chatConversationId,
    name: file.name,
    size: Number(file.size),
    type: file.type,
    created_at: file.createdAt.toISOString(),
    url,
  }
}

const chatColumns = { id: true, name: true, createdAt: true } as const

export function toChat(chat: { id: number, name: string, createdAt: Date }): Chat {
  return { id: chat.id, name: chat.name, created_at: chat.createdAt.toISOString() }
}

/** A chat name: trimmed, 1–200 characters. */
export const chatBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
})

export async function createChat(ownerId: string, name: string): Promise<Chat> {
  return toChat(await usePrisma().chatConversation.create({ data: { userId: ownerId, name }, select: chatColumns }))
}

/** Renames `ownerId`'s chat; null when there is no such chat of theirs. */
export async function renameChatOfOwner(ownerId: string, chatId: number, name: string): Promise<Chat | null> {
  const [chat] = await usePrisma().chatConversation.updateManyAndReturn({ where: { id: chatId, userId: ownerId }, data: { name }, select: chatColumns })
  return chat ? toChat(chat) : null
}

/**
 * Deletes `ownerId`'s chat and, by cascade, its file rows; a trigger records their object keys in the
 * same transaction for removal from storage. False when there is no such chat of theirs.
 */
export async function deleteChatOfOwner(ownerId: string, chatId: number): Promise<boolean> {
  const { count } = await usePrisma().chatConversation.deleteMany({ where: { id: chatId, userId: ownerId } })
  return count > 0
}

/** The chat and how many files it holds (pending uploads included), if it is `ownerId`'s. */
export async function findChatForUpload(ownerId: string, chatId: number) {
  const chat = await usePrisma().chatConversation.findFirst({
    where: { id: chatId, userId: ownerId },
    select: { id: true, _count: { select: { files: true } } },
  })
  return chat ? { id: chat.id, fileCount: chat._count.files } : null
}

/**
 * Chats of `ownerId`, newest first, each with its number of files and last activity (its newest file, or its
 * creation): one owner-scoped query, the files aggregated per chat (completed uploads only, like the listing).
 */
export async function listChatsOfOwner(ownerId: string): Promise<ChatSummary[]> {
  const rows = await usePrisma().$queryRaw<{ id: number, name: string, createdAt: Date, fileCount: number, lastActivityAt: Date }[]>`
    SELECT c.id, c.name, c.created_at AS "createdAt", count(f.id)::int AS "fileCount",
           greatest(c.created_at, max(f.created_at)) AS "lastActivityAt"
    FROM chat_conversation c
    LEFT JOIN chat_conversation_file f ON f.chat_conversation_id = c.id AND f.completed_at IS NOT NULL
    WHERE c.user_id = ${ownerId}
    GROUP BY c.id
    ORDER BY c.created_at DESC, c.id DESC`
  return rows.map(row => ({ ...toChat(row), file_count: row.fileCount, last_activity_at: row.lastActivityAt.toISOString() }))
}
