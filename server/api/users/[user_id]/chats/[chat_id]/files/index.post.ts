import { pipeline, Transform } from 'node:stream'
import type { Readable } from 'node:stream'
import { DeleteObjectsCommand } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import busboy from 'busboy'
import type { H3Event } from 'h3'
import type { UploadChatFilesResponse } from '#shared/types/api'

export const openapi = defineOperation({
  id: 'uploadChatFiles', tag: 'Files', summary: 'Upload files through the server', params: chatRouteParams, form: uploadForm, responses: { 201: apiSchemas.UploadChatFilesResponse },
  description: 'For curl and scripts: one part named `file` per file (`curl -F file=@a.pdf -F file=@b.png`). All or nothing: if any file is refused, none is stored.',
  errors: [badUpload, chatNotFound, fileTooLarge, tooManyFiles, requestTooLarge, notMultipart, unsupportedType, storageUnavailable] })

// Upload through the server, for curl and scripts: multipart/form-data, one part named `file` per file
// (`curl -F file=@a.pdf -F file=@b.png`). Each part streams to its own object as it arrives, one part at
// a time, so memory holds a few MiB whatever the size. All or nothing: the rows of every file are written
// in one transaction at the end; on any failure no row is written and every object of the request is deleted.
export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)
  const chat = await findChatForUpload(user.id, params.chat_id)
  if (!chat) throw chatNotFound()
  if (!/^multipart\/form-data\s*(;|$)/i.test(getRequestHeader(event, 'content-type') ?? '')) throw notMultipart()

  const limits = useUploadLimits()
  const slots = limits.maxFilesPerChat - chat.fileCount
  if (slots <= 0) throw tooManyFiles(limits.maxFilesPerChat)
  // A body longer than `slots` files of the largest size could be is refused before a byte of it is read.
  if (Number(getRequestHeader(event, 'content-length')) > slots * (limits.maxBytes + PART_OVERHEAD)) throw requestTooLarge(slots, limits.maxBytes)

  const files = await receiveFiles(event, chat, limits).catch(rethrowStorageError)
  const rows = await recordFiles(user.id, chat.id, files, limits.maxFilesPerChat).catch(async (error) => {
    await discardObjects(files.map(f => f.objectKey))
    throw error
  })

  scheduleThumbnails(rows)
  setResponseStatus(event, 201)
  return { chatFiles: rows.map(row => toChatFile(row, presignDownload(row))) } satisfies UploadChatFilesResponse
})

/** Bytes a part may take besides its content: boundary line and headers (busboy allows 16 KiB of those). */
const PART_OVERHEAD = 16 * 1024 + 256

interface ReceivedFile { objectKey: string, name: string, type: string, size: number }

/**
 * Stores every `file` part of the request, in order, and resolves once all are stored and verified. The
 * request is read only while a part is being stored (busboy's backpressure holds the rest), so at most one
 * part is in flight, holding up to queueSize × 5 MiB. On any failure (a limit, a malformed body, storage, the
 * client going away) the part in flight is failed, the objects written so far are deleted, then it rejects.
 */
function receiveFiles(event: H3Event, chat: { id: number, fileCount: number }, limits: ReturnType<typeof useUploadLimits>) {
  const { req, res } = event.node
  return new Promise<ReceivedFile[]>((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      // preservePath: names are sanitized like every other name (separators become _), not cut to a basename.
      // fileSize: busboy reports `limit` on reaching it, so one byte more than the largest allowed file.
      parser = busboy({ headers: req.headers, preservePath: true, defParamCharset: 'utf8', limits: { fileSize: limits.maxBytes + 1, fieldSize: 64 * 1024 } })
    }
    catch (error) {
      return reject(badUpload(`Malformed multipart/form-data request: ${(error as Error).message}`))
    }
    const files: ReceivedFile[] = []
    const keys: string[] = [] // every object this request began to write
    let queue = Promise.resolve() // parts are stored one after the other
    let failure: unknown
    let settled = false
    let piped = false
    const read = (on: boolean) => {
      if (on === piped || failure !== undefined) return
      piped = on
      if (on) req.pipe(parser)
      else req.unpipe(parser)
    }

    const fail = (error: unknown) => {
      if (failure !== undefined || settled) return
      read(false)
      failure = error
      // Fails the part being read, and so its upload (a multipart upload is aborted). Not from within busboy's
      // own events (this may be one): it goes on parsing the chunk at hand after they return.
      process.nextTick(() => parser.destroy())
      req.resume() // the rest of the body is read and dropped; the connection stays usable
      void queue.then(() => discardObjects(keys)).then(() => reject(error))
    }

    parser.on('file', (field, stream, info) => {
      // A part's stream errs when the request fails (busboy destroys it); that failure is handled by `fail`.
      stream.on('error', () => {})
      if (failure !== undefined) return void stream.resume()
      const type = normalizeType(info.mimeType)
      try {
        if (field !== 'file') throw unexpectedPart(field)
        if (!type) throw badUpload(`The part for ${JSON.stringify(info.filename ?? '')} has no valid Content-Type: it must be a MIME type such as application/pdf`)
        assertUploadAllowed(limits, { type }, chat.fileCount + keys.length)
      }
      catch (error) {
        stream.resume()
        return fail(error)
      }
      const file: ReceivedFile = { objectKey: newObjectKey(chat.id), name: sanitizeFileName(info.filename ?? ''), type, size: 0 }
      keys.push(file.objectKey)
      stream.on('limit', () => fail(fileTooLarge(limits.maxBytes)))
      read(false) // nothing after this part is read before it is its turn
      queue = queue.then(async () => {
        if (failure !== undefined) return
        read(true)
        file.size = await storePart(stream, file.objectKey, type)
        files.push(file)
      }).catch(fail)
    })
    parser.on('field', field => fail(field === 'file' ? badUpload('Part "file" must be a file, with a filename (curl -F file=@path)') : unexpectedPart(field)))
    parser.on('error', error => fail(badUpload(`Malformed multipart/form-data body: ${(error as Error).message}`)))
    parser.on('finish', () => void queue.then(() => {
      if (failure !== undefined) return
      if (files.length === 0) return fail(badUpload('No file in the request: send each file as a part named "file" (curl -F file=@path)'))
      settled = true
      resolve(files)
    }))
    // The client went away: whatever was stored is removed, nothing is recorded.
    req.on('error', () => fail(badUpload('The request was aborted')))
    res.on('close', () => res.writableFinished || fail(badUpload('The request was aborted')))
    read(true)
  })
}

const unexpectedPart = (field: string) => badUpload(`Unexpected part ${JSON.stringify(field)}: send each file as a part named "file"`)

/** Streams one part to its object and checks that storage holds exactly the bytes counted on the way. */
async function storePart(part: Readable, objectKey: string, type: string): Promise<number> {
  let size = 0
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      done(null, chunk)
    },
  })
  pipeline(part, counted, () => {}) // a failing part fails `counted`, and so the upload reading it
  // On any failure lib-storage aborts a multipart upload it began (AbortMultipartUpload, once every part in
  // flight has settled), so no parts stay behind; leavePartsOnError: true would keep them.
  await new Upload({ client: useS3Client(), params: { Bucket: useS3Settings().bucket, Key: objectKey, Body: counted, ContentType: type }, queueSize: 2, leavePartsOnError: false }).done()
  const stored = await headObject(objectKey)
  const mismatch = stored ? describeMismatch({ size, type }, stored) : 'no object was stored'
  if (mismatch) throw new Error(`Object ${objectKey} differs from what was sent: ${mismatch}`)
  return size
}

/**
 * Records the files in one transaction, counted against the limit under a lock on the chat (concurrent
 * uploads to one chat are counted one after the other; a chat deleted meanwhile is a 404). Returned in the
 * parts' order; they share created_at and their ids follow that order, as the listing does.
 */
function recordFiles(ownerId: string, chatId: number, files: ReceivedFile[], maxFilesPerChat: number) {
  return usePrisma().$transaction(async (tx) => {
    const [chat] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM chat_conversation WHERE id = ${chatId} AND user_id = ${ownerId} FOR UPDATE`
    if (!chat) throw chatNotFound()
    const count = await tx.chatConversationFile.count({ where: { chatConversationId: chatId } })
    if (count + files.length > maxFilesPerChat) throw tooManyFiles(maxFilesPerChat)
    const rows = await tx.chatConversationFile.createManyAndReturn({
      data: files.map(f => ({ chatConversationId: chatId, name: f.name, size: f.size, type: f.type, objectKey: f.objectKey })),
      select: chatFileColumns,
    })
    return files.map(f => rows.find(row => row.objectKey === f.objectKey)!)
  })
}

/** Deletes objects of a failed request; any that storage does not confirm are left to the sweep (storage_deletion). */
async function discardObjects(keys: string[]) {
  if (keys.length === 0) return
  let left = keys
  try {
    const result = await useS3Client().send(new DeleteObjectsCommand({ Bucket: useS3Settings().bucket, Delete: { Objects: keys.map(Key => ({ Key })), Quiet: true } }))
    left = (result.Errors ?? []).map(e => e.Key!)
  }
  catch {}
  if (left.length === 0) return
  await usePrisma().storageDeletion.createMany({ data: left.map(objectKey => ({ objectKey })), skipDuplicates: true })
    .catch(error => console.error('[upload] could not delete or record objects of a failed upload:', left, error))
}
