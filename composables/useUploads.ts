import { reactive, ref, toValue } from 'vue'
import type { MaybeRefOrGetter } from 'vue'
import type { ChatFile, ChatFileResponse, CreateUploadResponse, UploadLimitsResponse, UploadTicket } from '#shared/types/api'
import { formatBytes, isTypeAllowed } from '#shared/utils/files'

export interface UploadItem {
  id: number
  name: string
  size: number
  /** Bytes storage has received. */
  loaded: number
  /** 0 to 1: the share of bytes storage has received. */
  progress: number
  status: 'queued' | 'uploading' | 'completing' | 'failed' | 'cancelled'
  /** Bytes per second, smoothed; 0 until measured. */
  speed: number
  /** Seconds left at the current speed, when known. */
  secondsLeft?: number
  error?: string
  /** Refused before any byte moved: retrying cannot help. */
  refused?: boolean
}

export interface UploadCallbacks {
  /** A file is stored and confirmed: it belongs in the list now (it has left the queue). */
  uploaded: (file: ChatFile) => void
  /** An upload failed or was refused. */
  failed?: (item: UploadItem) => void
}

/** Uploads running at once; the rest wait their turn. */
const PARALLEL = 3

let nextId = 1

/**
 * Uploads straight to storage through presigned PUTs, a few at once, each with real progress, speed, time
 * left, cancel and retry. Files over the limit or of a refused type are stopped before any byte moves.
 * A finished upload leaves the queue: the page shows it in its list instead.
 */
export function useUploads(userId: MaybeRefOrGetter<string>, chatId: MaybeRefOrGetter<number | string>, on: UploadCallbacks) {
  const api = useApi()
  const { data: limits } = useFetch<UploadLimitsResponse>(apiPaths.uploadLimits(), { key: 'upload-limits' })
  const items = ref<UploadItem[]>([])
  const files = new Map<number, File>()
  const cancels = new Map<number, () => void>()

  function refusal(file: File): string | undefined {
    const l = limits.value
    if (!l) return undefined
    if (file.size > l.max_bytes) return `It is ${formatBytes(file.size)}; files can be at most ${formatBytes(l.max_bytes)}.`
    if (!isTypeAllowed(file.type || 'application/octet-stream', l.allowed_types)) return `This kind of file is not accepted here. Allowed: ${describeTypes(l.allowed_types)}.`
    return undefined
  }

  function add(list: Iterable<File>) {
    for (const file of list) {
      const item = reactive<UploadItem>({ id: nextId++, name: file.name, size: file.size, loaded: 0, progress: 0, speed: 0, status: 'queued' })
      items.value.push(item)
      files.set(item.id, file)
      const refused = refusal(file)
      if (refused) fail(item, refused, true)
    }
    pump()
  }

  /** Starts queued uploads while fewer than PARALLEL run. */
  function pump() {
    const running = items.value.filter(i => i.status === 'uploading' || i.status === 'completing').length
    for (const item of items.value.filter(i => i.status === 'queued').slice(0, Math.max(0, PARALLEL - running))) {
      void run(item, files.get(item.id)!)
    }
  }

  function fail(item: UploadItem, error: string, refused = false) {
    Object.assign(item, { status: 'failed', error, refused, speed: 0, secondsLeft: undefined })
    on.failed?.(item)
  }

  async function run(item: UploadItem, file: File) {
    const controller = new AbortController()
    cancels.set(item.id, () => controller.abort())
    Object.assign(item, { status: 'uploading', error: undefined, loaded: 0, progress: 0, speed: 0, secondsLeft: undefined })
    try {
      // 1. The file's SHA-256, so that storage itself refuses the body if it changes on the way.
      const sha256 = await fileSha256(file)
      if (controller.signal.aborted) throw new DOMException('Cancelled', 'AbortError')
      // 2. A ticket: the server reserves the file and signs a PUT bound to its size, type and checksum.
      const { upload } = await api<CreateUploadResponse>(apiPaths.uploads(toValue(userId), toValue(chatId)), {
        method: 'POST', body: { name: file.name, size: file.size, type: file.type || 'application/octet-stream', sha256 }, signal: controller.signal,
      })
      // 3. The bytes, straight to storage, with progress.
      await putWithProgress(upload, file, controller.signal, progressMeter(item))
      // 4. The server confirms what storage holds, and lists the file from now on.
      item.status = 'completing'
      const { chatFile } = await api<ChatFileResponse>(apiPaths.complete(toValue(userId), toValue(chatId), upload.file_id), { method: 'POST', signal: controller.signal })
      remove(item.id)
      on.uploaded(chatFile)
    }
    catch (error) {
      // A cancelled upload leaves a reservation only; the server sweeps it.
      if (controller.signal.aborted) Object.assign(item, { status: 'cancelled', speed: 0, secondsLeft: undefined })
      else fail(item, uploadErrorMessage(error))
    }
    finally {
      cancels.delete(item.id)
      pump()
    }
  }

  function remove(id: number) {
    items.value = items.value.filter(i => i.id !== id)
    files.delete(id)
  }

  const cancel = (id: number) => {
    const item = items.value.find(i => i.id === id)
    if (item?.status === 'queued') Object.assign(item, { status: 'cancelled' })
    cancels.get(id)?.()
    pump()
  }
  const retry = (id: number) => {
    const item = items.value.find(i => i.id === id)
    if (!item || !files.has(id) || !(item.status === 'failed' || item.status === 'cancelled') || item.refused) return
    Object.assign(item, { status: 'queued', error: undefined })
    pump()
  }
  const dismiss = (id: number) => remove(id)

  return { items, limits, add, cancel, retry, dismiss }
}

/**
 * Progress callback that keeps bytes, share, a smoothed speed and the time left. Speed is measured over at
 * least half a second, then averaged, so the numbers do not jump with every event.
 */
function progressMeter(item: UploadItem) {
  let mark = { at: performance.now(), loaded: 0 }
  return (loaded: number, total: number) => {
    item.loaded = loaded
    item.progress = total ? loaded / total : 1
    const now = performance.now()
    const elapsed = (now - mark.at) / 1000
    if (elapsed >= 0.5) {
      const current = (loaded - mark.loaded) / elapsed
      item.speed = item.speed ? item.speed * 0.6 + current * 0.4 : current
      mark = { at: now, loaded }
    }
    item.secondsLeft = item.speed > 0 ? (total - loaded) / item.speed : undefined
  }
}

/** Files up to this size are hashed before upload; Web Crypto has no streaming digest, so it reads the whole file into memory. */
export const MAX_HASHED_BYTES = 512 * 1024 * 1024

/**
 * The file's SHA-256 (base64, as S3 writes x-amz-checksum-sha256), so that storage refuses a body that
 * changed on the way. Undefined where Web Crypto is missing (only secure contexts have it: https or
 * localhost) or the file is too large to hash in memory; the upload then goes ahead without one.
 */
export async function fileSha256(file: Blob): Promise<string | undefined> {
  if (!globalThis.crypto?.subtle || file.size > MAX_HASHED_BYTES) return undefined
  try {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()))
    let binary = ''
    for (const byte of digest) binary += String.fromCharCode(byte)
    return btoa(binary)
  }
  catch {
    return undefined
  }
}

/** PUT with upload progress events: fetch() cannot report them, XMLHttpRequest can. */
function putWithProgress(upload: UploadTicket, file: File, signal: AbortSignal, onProgress: (loaded: number, total: number) => void) {
  return new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(upload.method, upload.url)
    for (const [name, value] of Object.entries(upload.headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = e => e.lengthComputable && onProgress(e.loaded, e.total)
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? (onProgress(file.size, file.size), resolve()) : reject(new StorageError(xhr.status)))
    xhr.onerror = () => reject(new StorageError(0))
    xhr.onabort = () => reject(new DOMException('Cancelled', 'AbortError'))
    signal.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(file)
  })
}

class StorageError extends Error {
  constructor(readonly status: number) {
    super(status ? `Storage refused the upload (${status})` : 'Could not reach storage')
  }
}

/** What went wrong, in words a person can act on. */
function uploadErrorMessage(error: unknown): string {
  if (error instanceof StorageError) {
    return error.status === 0
      ? 'The connection to storage was lost. Check your connection and retry.'
      : error.status === 403 ? 'The upload link expired before the file was sent. Retry to get a new one.' : 'Storage did not accept the file. Retry in a moment.'
  }
  const status = (error as { statusCode?: number, status?: number }).statusCode ?? (error as { status?: number }).status
  if (!status) return 'The server could not be reached. Check your connection and retry.'
  return apiErrorMessage(error, 'The upload failed. Retry in a moment.')
}

/** An allow-list in words: images, PDFs, text files, and any other type as written. */
export function describeTypes(types: string[]): string {
  const words: Record<string, string> = { 'image/*': 'images', 'application/pdf': 'PDFs', 'text/*': 'text files', 'audio/*': 'audio', 'video/*': 'video', 'application/zip': 'ZIP archives' }
  const list = types.map(t => words[t] ?? t)
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list.at(-1)}` : (list[0] ?? 'any file')
}
