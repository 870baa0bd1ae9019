import { z } from 'zod'
import type { H3Event } from 'h3'
import { chatNotFound } from './errors'
import type { Chat, ChatFile, ChatSummary } from '#shared/types/api'
import type { ChatConversationFile, PrismaClient } from '../generated/prisma/client'
import { preparedStatement, useDatabase, usePrisma } from './prisma'
import type { Database } from './prisma'
import { ACTIVE_SESSION_CTE, requireSession, sessionArgs, useSessionLifetimes } from './sessions'
import type { CookieSession, SessionLifetimes } from './sessions'

// PostgreSQL `integer` ids: a larger number cannot name a row and would make the query itself fail.
const MAX_INT4 = 2_147_483_647

/**
 * A positive integer id in a path segment: digits only, no sign, exponent, hex or padding. Documented as the
 * integer it spells (the contract's `chat_id: number`): the pattern admits exactly those spellings.
 */
export const idParam = z.string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .refine(n => n <= MAX_INT4, 'is out of range')
  .meta({ type: 'integer', minimum: 1, maximum: MAX_INT4 })

/** User ids are compared with the session's, never looked up, so only their length needs a bound. */
export const userIdParam = z.string().min(1).max(64, 'is too long')

export const userRouteParams = z.object({ user_id: userIdParam })
export const chatRouteParams = z.object({ user_id: userIdParam, chat_id: idParam })

/**
 * The session's user and the route's validated params. The session is checked against the database (one
 * round trip, server/utils/sessions.ts). Routes live under /api/users/[user_id]: a path naming anyone but
 * the session's user is answered like a missing chat (or `notFound`).
 */
export async function requireOwnRoute<T extends { user_id: string }>(event: H3Event, schema: z.ZodType<T, unknown>, notFound = chatNotFound) {
  const session = await requireSession(event)
  const params = await getValidatedRouterParams(event, schema.parse)
  if (params.user_id !== session.user.id) throw notFound()
  return { user: session.user, session, params }
}

export const chatFileColumns = { id: true, chatConversationId: true, name: true, size: true, type: true, objectKey: true, createdAt: true } as const

/** A stored file as the routes read it: the `chatFileColumns` of a row. */
export type StoredChatFile = Pick<ChatConversationFile, keyof typeof chatFileColumns>

/** Why a listing has no files to show: the session ended (401), or no such chat of the path's user (404). */
export type NoChatFiles = 'session-ended' | 'chat-not-found'

/** A listed file as the listing's statement returns it: a row of columns, size as text, created_at in ISO 8601. */
export type ListedFile = [chatId: number, id: number, name: string, size: string, type: string, objectKey: string, createdAt: string]

export const chatFilesInSession = preparedStatement('chat_files_in_session', `
  WITH ${ACTIVE_SESSION_CTE}
  SELECT c.id, f.id, f.name, f.size, f.type, f.object_key,
         to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  FROM active_session s
  LEFT JOIN chat_conversation c ON c.id = $5 AND c.user_id = s.user_id AND $6::boolean
  LEFT JOIN chat_conversation_file f ON f.chat_conversation_id = c.id AND f.completed_at IS NOT NULL
  ORDER BY f.created_at, f.id`)

/**
 * The files of chat `chatId` if, and only if, the session may still be used and the chat belongs to both the
 * session's user and `ownerId` (the path's user), oldest first (created_at, then id), completed uploads only.
 *
 * One round trip, the session check included: the statement starts from the session row (ACTIVE_SESSION_CTE,
 * which also records its use at most once a minute), LEFT JOINs the chat with ownership in the join, then the
 * chat's files. No row: the session ended. A row without a chat: a missing or foreign chat, or a path naming
 * another user, all alike. A chat without files: one row of NULL file columns. The listing's hot path, so it
 * is a named prepared statement on Prisma's pg adapter, and rows stay the arrays pg gives, with created_at
 * already formatted as the JSON wants it (server/utils/prisma.ts; README, Performance).
 */
export async function findChatFilesInSession(
  session: CookieSession,
  ownerId: string,
  chatId: number,
  t: SessionLifetimes = useSessionLifetimes(),
  db: Database = useDatabase(),
): Promise<ListedFile[] | NoChatFiles> {
  // Only whether the path names the session's own user goes to the database, not the path's text (which
  // may hold characters PostgreSQL text cannot, such as NUL).
  const rows = await db.sql<ListedFile>(chatFilesInSession, [...sessionArgs(session, t), chatId, ownerId === session.user.id])
  if (rows.length === 0) return 'session-ended'
  if (rows[0]![0] === null) return 'chat-not-found'
  return rows[0]![1] === null ? [] : rows
}

/** The contract's ChatFile for a listed file and its download URL. */
export function listedChatFile([chatId, id, name, size, type, , createdAt]: ListedFile, url: string): ChatFile {
  return { id, chat_conversation_id: chatId, name, size: Number(size), type, created_at: createdAt, url }
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

/** A chat name: trimmed, 1–200 characters; PostgreSQL text cannot hold NUL, so a name with one is refused. */
export const chatBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').refine(n => !n.includes('\0'), 'must not contain NUL characters')
    .meta({ description: 'Trimmed; 1 to 200 characters must remain.' }),
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
