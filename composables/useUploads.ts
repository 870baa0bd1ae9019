import type { ChatFile, ChatFileResponse, CreateUploadResponse, UploadLimitsResponse, UploadTicket } from '#shared/types/api'
import { formatBytes, isTypeAllowed } from '#shared/utils/files'

export interface UploadItem {
  id: number
  name: string
  size: number
  /** 0 to 1: the share of bytes storage has received. */
  progress: number
  status: 'uploading' | 'completing' | 'done' | 'failed' | 'cancelled'
  error?: string
}

let nextId = 1

/**
 * Uploads straight to storage through presigned PUTs, several at once, each with real progress and a
 * cancel. Files over the limit or of a refused type are stopped before any byte moves.
 */
export function useUploads(userId: MaybeRefOrGetter<string>, chatId: MaybeRefOrGetter<number | string>, onUploaded: (file: ChatFile) => void) {
  const api = useApi()
  const { data: limits } = useFetch<UploadLimitsResponse>(apiPaths.uploadLimits(), { key: 'upload-limits' })
  const items = ref<UploadItem[]>([])
  const cancels = new Map<number, () => void>()

  function refusal(file: File): string | undefined {
    const l = limits.value
    if (!l) return undefined
    if (file.size > l.max_bytes) return `Larger than the ${formatBytes(l.max_bytes)} limit`
    if (!isTypeAllowed(file.type || 'application/octet-stream', l.allowed_types)) return `Files of type ${file.type || 'unknown'} are not accepted`
    return undefined
  }

  function add(files: Iterable<File>) {
    for (const file of files) {
      const item = reactive<UploadItem>({ id: nextId++, name: file.name, size: file.size, progress: 0, status: 'uploading' })
      items.value.push(item)
      const refused = refusal(file)
      if (refused) Object.assign(item, { status: 'failed', error: refused })
      else void run(item, file)
    }
  }

  async function run(item: UploadItem, file: File) {
    const controller = new AbortController()
    cancels.set(item.id, () => controller.abort())
    try {
      const sha256 = await fileSha256(file)
      if (controller.signal.aborted) throw new DOMException('Cancelled', 'AbortError')
      const { upload } = await api<CreateUploadResponse>(apiPaths.uploads(toValue(userId), toValue(chatId)), {
        method: 'POST', body: { name: file.name, size: file.size, type: file.type || 'application/octet-stream', sha256 }, signal: controller.signal,
      })
      await putWithProgress(upload, file, controller.signal, (p) => { item.progress = p })
      item.status = 'completing'
      const { chatFile } = await api<ChatFileResponse>(apiPaths.complete(toValue(userId), toValue(chatId), upload.file_id), { method: 'POST', signal: controller.signal })
      Object.assign(item, { status: 'done', progress: 1 })
      onUploaded(chatFile)
    }
    catch (error) {
      // A cancelled upload leaves a reservation only; the server sweeps it.
      if (controller.signal.aborted) item.status = 'cancelled'
      else Object.assign(item, { status: 'failed', error: apiErrorMessage(error, (error as Error).message || 'Upload failed') })
    }
    finally {
      cancels.delete(item.id)
    }
  }

  const cancel = (id: number) => cancels.get(id)?.()
  const dismiss = (id: number) => { items.value = items.value.filter((i: UploadItem) => i.id !== id) }

  return { items, limits, add, cancel, dismiss }
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
function putWithProgress(upload: UploadTicket, file: File, signal: AbortSignal, onProgress: (share: number) => void) {
  return new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(upload.method, upload.url)
    for (const [name, value] of Object.entries(upload.headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = e => e.lengthComputable && onProgress(e.total ? e.loaded / e.total : 1)
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? (onProgress(1), resolve()) : reject(new Error(`Storage refused the upload (${xhr.status})`)))
    xhr.onerror = () => reject(new Error('Could not reach storage'))
    xhr.onabort = () => reject(new DOMException('Cancelled', 'AbortError'))
    signal.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(file)
  })
}
