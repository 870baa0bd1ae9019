// File rules both sides apply: the server enforces them, the web UI checks them before any byte moves.

/** Whether `type` matches the allow-list (`image/*` style wildcards; an empty list allows every type). */
export function isTypeAllowed(type: string, allowedTypes: string | string[]): boolean {
  const list = Array.isArray(allowedTypes) ? allowedTypes : allowedTypes.split(',')
  const allowed = list.map(t => t.trim().toLowerCase()).filter(Boolean)
  if (allowed.length === 0) return true
  const t = type.split(';', 1)[0]!.trim().toLowerCase()
  return allowed.some(a => a === t || (a.endsWith('/*') && t.startsWith(a.slice(0, -1))))
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB']

/**
 * Sizes in one unit system everywhere (binary, as the upload limit is set): 0 B, 601 B, 1.8 KiB, 25 MiB.
 * One decimal below 10 of a unit, whole numbers above; never "1024 KiB".
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes) || 0)} B`
  let value = bytes / 1024
  let unit = 0
  while (value >= 1023.95 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const shown = value < 9.95 ? Math.round(value * 10) / 10 : Math.round(value)
  return `${shown} ${BYTE_UNITS[unit]}`
}

export type FileKind = 'image' | 'pdf' | 'text' | 'audio' | 'video' | 'archive' | 'file'

/** What a file is, as people sort and filter it. */
export function fileKind(type: string): FileKind {
  const t = type.split(';', 1)[0]!.trim().toLowerCase()
  if (t === 'application/pdf') return 'pdf'
  if (t.startsWith('image/')) return 'image'
  if (t.startsWith('audio/')) return 'audio'
  if (t.startsWith('video/')) return 'video'
  if (t.startsWith('text/') || t === 'application/json' || t === 'application/xml') return 'text'
  if (/zip|tar|gzip|compressed|x-7z|rar/.test(t)) return 'archive'
  return 'file'
}

export const fileKindLabels: Record<FileKind, string> = { image: 'Image', pdf: 'PDF', text: 'Text', audio: 'Audio', video: 'Video', archive: 'Archive', file: 'Other' }

export const fileKindIcons: Record<FileKind, string> = {
  image: 'i-lucide-file-image', pdf: 'i-lucide-file-type', text: 'i-lucide-file-text', audio: 'i-lucide-file-music',
  video: 'i-lucide-file-video', archive: 'i-lucide-file-archive', file: 'i-lucide-file',
}

/** Raster images the server turns into small thumbnails (SVG and other types get an icon). */
export const THUMBNAIL_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff']

export function hasThumbnail(type: string): boolean {
  return THUMBNAIL_TYPES.includes(type.split(';', 1)[0]!.trim().toLowerCase())
}

/** How the preview dialog can show a file in the page, or null when it can only be downloaded. */
export function previewKind(type: string): 'image' | 'pdf' | 'text' | 'audio' | 'video' | null {
  const t = type.split(';', 1)[0]!.trim().toLowerCase()
  if (['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp'].includes(t)) return 'image'
  if (t === 'application/pdf') return 'pdf'
  if (t === 'text/plain' || t === 'text/csv' || t === 'application/json') return 'text'
  if (t.startsWith('audio/')) return 'audio'
  if (t.startsWith('video/')) return 'video'
  return null
}
