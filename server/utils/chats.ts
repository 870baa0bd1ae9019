import { z } from 'zod'
import type { Chat, ChatFile } from '#shared/types/api'
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

const chatFileColumns = { id: true, chatConversationId: true, name: true, size: true, type: true, objectKey: true, createdAt: true } as const

/**
 * The files of chat `chatId` if, and only if, it belongs to `ownerId`: ownership is part of the one
 * query that reads the chat and its files. `null` for a missing chat and for someone else's alike.
 */
export async function findChatFilesOfOwner(ownerId: string, chatId: number) {
  const chat = await usePrisma().chatConversation.findFirst({
    // One round trip: the files come back aggregated in the chat's row (LATERAL join), not in a second query.
    relationLoadStrategy: 'join',
    where: { id: chatId, userId: ownerId },
    select: { files: { select: chatFileColumns, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  })
  return chat?.files ?? null
}

export type StoredChatFile = NonNullable<Awaited<ReturnType<typeof findChatFilesOfOwner>>>[number]

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

/** Chats of `ownerId`, newest first. */
export async function listChatsOfOwner(ownerId: string): Promise<Chat[]> {
  const chats = await usePrisma().chatConversation.findMany({
    where: { userId: ownerId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { id: true, name: true, createdAt: true },
  })
  return chats.map(c => ({ id: c.id, name: c.name, created_at: c.createdAt.toISOString() }))
}
