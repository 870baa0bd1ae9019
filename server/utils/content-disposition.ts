import { uriEncode } from './presigner'

// How a stored file is served: inline or as an attachment, under its own name, with a safe type.

// Types a browser may render in place without running anything. Everything else (HTML, SVG, XML,
// JavaScript, unknown types) is served as an attachment, so a stored file can never run as the site.
const INLINE_TYPES = new Set([
  'application/pdf', 'text/plain', 'text/csv', 'application/json',
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp',
])

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

/** The bare `type/subtype` of a MIME type, lowercased; parameters dropped. */
export function essence(type: string): string {
  return type.split(';', 1)[0]!.trim().toLowerCase()
}

export function isInlineSafe(type: string): boolean {
  const t = essence(type)
  return INLINE_TYPES.has(t) || t.startsWith('audio/') || t.startsWith('video/')
}

/** The Content-Type to serve: the stored type when it is a well-formed MIME type, else octet-stream. */
export function servedContentType(type: string): string {
  return MIME_TYPE.test(essence(type)) && /^[\t\x20-\x7e]*$/.test(type.trim()) ? type.trim() : 'application/octet-stream'
}

/**
 * RFC 6266 Content-Disposition carrying the file's own name: an ASCII `filename` for old clients and
 * an RFC 5987 `filename*` so non-ASCII names arrive intact.
 */
export function contentDisposition(name: string, type: string, forceAttachment = false): string {
  name ||= 'download'
  const disposition = isInlineSafe(type) && !forceAttachment ? 'inline' : 'attachment'
  // Accents dropped (é → e), anything else outside printable ASCII, quotes and backslashes replaced.
  const fallback = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'download'
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${uriEncode(name)}`
}
