import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import type { S3Client } from '@aws-sdk/client-s3'
import sharp from 'sharp'
import { hasThumbnail } from '../../shared/utils/files'
import type { PrismaClient } from '../generated/prisma/client'
import { usePrisma } from './prisma'
import type { Presigner } from './presigner'
import { reuseWindow } from './presigner'
import type { S3Settings } from './storage'
import { useS3Client, useS3Settings, usePresigner } from './storage'
import { purgeDeletedObjectsSoon } from './sweep'

// Small renditions of image files for the web UI's list: a chat of 100 phone photos would otherwise cost the
// browser hundreds of MB to download and gigabytes of decoded pixels (README, "Web UI"). Made once per file,
// right after its upload is confirmed (whatever the route: direct or multipart), or on first request for
// files that have none yet; stored beside the original and deleted with it (the storage_deletion trigger).

/** Edge of the square thumbnail in pixels: twice the list's 40 CSS pixels, for high-density screens. */
export const THUMBNAIL_EDGE = 96

/** Larger inputs are refused rather than decoded (a 12-megapixel photo is 12 million). */
export const THUMBNAIL_MAX_INPUT_PIXELS = 100_000_000

export type ThumbnailState = 'ready' | 'unavailable'

export const thumbnailKey = (objectKey: string) => `${objectKey}.thumb.webp`

// One image at a time per process, on one libvips thread: the machine's cores belong to the requests.
sharp.concurrency(1)
sharp.cache(false)

/** A square WebP thumbnail of an image, or null when the bytes are not an image sharp can read. */
export async function renderThumbnail(input: Uint8Array): Promise<Buffer | null> {
  try {
    return await sharp(input, { limitInputPixels: THUMBNAIL_MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate() // phone photos carry their orientation in EXIF
      .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'cover', position: 'attention' })
      .webp({ quality: 72, effort: 2 })
      .toBuffer()
  }
  catch {
    return null
  }
}

interface ThumbnailSource { id: number, objectKey: string, type: string }

/**
 * Makes and stores the thumbnail of one file and records its state. A file deleted meanwhile loses the
 * object again (its deletion recorded the key; recording it once more after the write closes the race).
 */
export async function makeThumbnail(file: ThumbnailSource, prisma: PrismaClient = usePrisma(), s3: S3Client = useS3Client(), bucket = useS3Settings().bucket): Promise<ThumbnailState> {
  const original = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: file.objectKey }))
  const image = await renderThumbnail(await original.Body!.transformToByteArray())
  if (!image) {
    await prisma.chatConversationFile.updateMany({ where: { id: file.id }, data: { thumbnail: 'unavailable' } })
    return 'unavailable'
  }
  const key = thumbnailKey(file.objectKey)
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: image, ContentType: 'image/webp' }))
  const { count } = await prisma.chatConversationFile.updateMany({ where: { id: file.id }, data: { thumbnail: 'ready' } })
  if (count === 0) {
    await prisma.storageDeletion.createMany({ data: [{ objectKey: key }], skipDuplicates: true })
    await purgeDeletedObjectsSoon()
  }
  return 'ready'
}

const inFlight = new Map<number, Promise<ThumbnailState>>()
let queue: Promise<unknown> = Promise.resolve()

/** The thumbnail of a file, made now if needed; concurrent calls for one file share the work, files queue. */
export function ensureThumbnail(file: ThumbnailSource): Promise<ThumbnailState> {
  let job = inFlight.get(file.id)
  if (!job) {
    job = queue.catch(() => {}).then(() => makeThumbnail(file)).finally(() => inFlight.delete(file.id))
    queue = job
    inFlight.set(file.id, job)
  }
  return job
}

/** After an upload is confirmed: thumbnails for its images, in the background (the response does not wait). */
export function scheduleThumbnails(files: ThumbnailSource[]) {
  for (const file of files) {
    if (!hasThumbnail(file.type)) continue
    ensureThumbnail(file).catch(error => console.warn('[thumbnails] could not make one now; it is made on first view:', file.id, (error as Error).message))
  }
}

/** A completed image file of `ownerId`'s chat with its thumbnail state, or null: ownership is in the query. */
export function findThumbnailSourceOfOwner(ownerId: string, chatId: number, fileId: number) {
  return usePrisma().chatConversationFile.findFirst({
    where: { id: fileId, chatConversationId: chatId, chat: { userId: ownerId }, completedAt: { not: null } },
    select: { id: true, objectKey: true, type: true, thumbnail: true },
  })
}

/**
 * A presigned URL of the thumbnail. Like downloads, the same for a reuse window, and cacheable by the
 * browser for as long as the window lasts, so a list shown again costs no request to storage.
 */
export function presignThumbnail(objectKey: string, p: Presigner = usePresigner(), s: S3Settings = useS3Settings()): string {
  return p.presignGet(thumbnailKey(objectKey), {
    expiresIn: s.urlTtl,
    reuse: true,
    query: { 'response-cache-control': `private, max-age=${reuseWindow(s.urlTtl)}`, 'response-content-type': 'image/webp' },
  })
}
