import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { chatFileColumns, chatRouteParams, idParam } from './chats'
import { fileTooLarge, tooManyFiles, unsupportedType } from './errors'
import { usePrisma } from './prisma'
import { essence } from './content-disposition'
import { purgeDeletedObjectsSoon } from './sweep'
import type { UploadLimits } from './config'
import { isTypeAllowed } from '../../shared/utils/files'

// Files as the server accepts them: limits, names kept for display but never trusted, types checked,
// and object keys built from ids and random parts only.

/** Longest name kept, in characters (the extension is kept when a name is cut). */
export const MAX_NAME_LENGTH = 255

/**
 * A file name fit for display and Content-Disposition: Unicode-normalized, without control or
 * bidirectional-override characters, without path separators, trimmed and bounded. Never used in keys.
 */
export function sanitizeFileName(raw: string): string {
  let name = raw.normalize('NFC')
    // Runs of whitespace (tabs and line breaks included) become one space; then control characters, and
    // format characters that reorder or hide text (RLO, zero-width spaces…) go, except the zero-width
    // joiner that emoji sequences need.
    .replace(/\s+/gu, ' ')
    .replace(/\p{Cc}|(?!\u200D)\p{Cf}/gu, '')
    .replace(/[/\\]/g, '_')
    .trim()
    .replace(/^\.+$/, '')
  const chars = [...name]
  if (chars.length > MAX_NAME_LENGTH) {
    const dot = name.lastIndexOf('.')
    const ext = dot > 0 ? [...name.slice(dot)] : []
    const keep = ext.length > 0 && ext.length <= 16 ? ext : []
    name = chars.slice(0, MAX_NAME_LENGTH - keep.length).join('').trimEnd() + keep.join('')
  }
  return name || 'file'
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

/** A declared type as stored: `type/subtype` lowercased; absent or empty means application/octet-stream. */
export function normalizeType(type: string | undefined): string | null {
  const t = essence(type ?? '') || 'application/octet-stream'
  return MIME.test(t) ? t : null
}

/** Object keys come from ids and randomness only: nothing a client sends can steer where bytes land. */
export function newObjectKey(chatId: number): string {
  return `chats/${chatId}/${randomUUID()}`
}

/**
 * A SHA-256 as S3 writes it in x-amz-checksum-sha256 (base64 of the 32 bytes, what
 * `openssl dgst -sha256 -binary FILE | base64` prints), from that form or from hex (what `sha256sum`
 * prints); null for anything else.
 */
export function parseSha256(value: string): string | null {
  const v = value.trim()
  if (/^[0-9a-f]{64}$/i.test(v)) return Buffer.from(v, 'hex').toString('base64')
  // Node's decoder skips what is not base64; the round trip accepts only the one canonical spelling.
  if (/^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').toString('base64') === v) return v
  return null
}

const SHA256_FORM = 'must be the file\'s SHA-256, base64 of the 32 bytes (openssl dgst -sha256 -binary FILE | base64) or 64 hex digits (sha256sum)'

/** The body of a direct-upload request. Size above the limit is a 413, decided after validation. */
export const uploadRequestBody = z.object({
  name: z.string().min(1, 'is required').max(4096, 'is too long').meta({ description: 'The file\'s name; stored sanitized, at most 255 characters.' }),
  size: z.number().int('must be a whole number of bytes').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER, 'is too large')
    .meta({ description: 'Exact size in bytes; the upload must match it. Above NUXT_UPLOAD_MAX_BYTES is a 413.' }),
  type: z.string().max(255, 'is too long').optional().meta({ description: 'MIME type; absent or empty means application/octet-stream. The upload must match it.' }),
  // Optional: when given, storage itself refuses a body with another SHA-256, and complete checks it again.
  sha256: z.string({ error: SHA256_FORM }).max(128, SHA256_FORM).nullish().transform((value, ctx) => {
    if (value === null || value === undefined) return undefined
    const parsed = parseSha256(value)
    if (parsed === null) ctx.addIssue({ code: 'custom', message: SHA256_FORM })
    return parsed ?? undefined
  }).meta({ description: 'Optional: the file\'s SHA-256, base64 of the 32 bytes (`openssl dgst -sha256 -binary FILE | base64`) or 64 hex digits (`sha256sum`). When given, the PUT must carry it as `x-amz-checksum-sha256` (it is in `upload.headers`), storage refuses a body that does not match, and completing checks it again (422 on a mismatch).' }),
})

export const fileRouteParams = chatRouteParams.extend({ file_id: idParam })

/** `?disposition=attachment` makes the browser save the file even when it could show it. */
export const downloadQuery = z.object({
  disposition: z.enum(['inline', 'attachment']).optional().meta({ description: '`attachment` makes browsers save the file even when they could display it; by default safe types display inline.' }),
})

/** Upload limits from runtime config (NUXT_UPLOAD_*). */
export function useUploadLimits(): UploadLimits {
  return useRuntimeConfig().upload as UploadLimits
}

/** Throws the 413/415 a file would earn in this chat, before any byte moves. */
export function assertUploadAllowed(limits: UploadLimits, file: { size?: number, type: string }, filesInChat: number) {
  if (filesInChat >= limits.maxFilesPerChat) throw tooManyFiles(limits.maxFilesPerChat)
  if (file.size !== undefined && file.size > limits.maxBytes) throw fileTooLarge(limits.maxBytes)
  if (!isTypeAllowed(file.type, limits.allowedTypes)) throw unsupportedType(file.type, limits.allowedTypes)
}

/** A completed file of `ownerId`'s chat `chatId`, or null: ownership is in the query. */
export function findFileOfOwner(ownerId: string, chatId: number, fileId: number, state: 'completed' | 'any' = 'completed') {
  return usePrisma().chatConversationFile.findFirst({
    where: { id: fileId, chatConversationId: chatId, chat: { userId: ownerId }, ...(state === 'completed' ? { completedAt: { not: null } } : {}) },
    select: { ...chatFileColumns, completedAt: true, sha256: true },
  })
}

/** Deletes a completed file of `ownerId`'s; the trigger records its object for removal. False if none. */
export async function deleteFileOfOwner(ownerId: string, chatId: number, fileId: number): Promise<boolean> {
  const { count } = await usePrisma().chatConversationFile.deleteMany({
    where: { id: fileId, chatConversationId: chatId, chat: { userId: ownerId }, completedAt: { not: null } },
  })
  return count > 0
}

/**
 * Records a direct upload before its bytes arrive: not listed until completed, swept if never. Null when the
 * chat was deleted meanwhile (its row is gone by the time this one is written).
 */
export async function createPendingFile(chatId: number, name: string, size: number, type: string, sha256?: string) {
  try {
    return await usePrisma().chatConversationFile.create({
      data: { chatConversationId: chatId, name, size, type, objectKey: newObjectKey(chatId), completedAt: null, sha256 },
      select: { ...chatFileColumns, completedAt: true },
    })
  }
  catch (error) {
    if ((error as { code?: string }).code === 'P2003') return null
    throw error
  }
}

/** Marks an upload complete; it is listed from now on, in the order of its completion. Null if it was deleted meanwhile. */
export async function markFileCompleted(fileId: number) {
  const now = new Date()
  const [file] = await usePrisma().chatConversationFile.updateManyAndReturn({
    where: { id: fileId },
    data: { completedAt: now, createdAt: now },
    select: chatFileColumns,
  })
  return file ?? null
}

/** What differs between a declared upload and the object storage holds, or null when they agree. */
export function describeMismatch(declared: { size: bigint | number, type: string }, stored: { size: number, type: string }): string | null {
  const problems: string[] = []
  if (BigInt(stored.size) !== BigInt(declared.size)) problems.push(`${stored.size} bytes arrived, ${declared.size} were declared`)
  if (essence(stored.type) !== essence(declared.type)) problems.push(`type ${stored.type || 'none'} arrived, ${declared.type} was declared`)
  return problems.length ? problems.join('; ') : null
}

/** Removes a file row and, through storage_deletion, its object. */
export async function discardFile(fileId: number) {
  await usePrisma().chatConversationFile.deleteMany({ where: { id: fileId } })
  await purgeDeletedObjectsSoon()
}
