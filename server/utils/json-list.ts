import { Readable, pipeline } from 'node:stream'
import type { Transform } from 'node:stream'
import { brotliCompressSync, constants, createBrotliCompress, createGzip, gzipSync } from 'node:zlib'
import type { H3Event } from 'h3'

// A JSON object holding one list, `{"<key>":[…]}`, written out as it is built: a large list never exists
// whole (not as objects, not as one string), so time and memory per item stay the same at 10,000 items
// as at 100. Compressed when the client asks for it and the body is worth it.

/** Characters of JSON built before they are handed to the socket (or the compressor). */
const CHUNK_CHARS = 64 * 1024

/**
 * Smaller bodies are sent as they are: a response that fits one network packet (Ethernet's 1,460-byte
 * segment) arrives no sooner compressed, and compressing it still costs 30–60 µs (bench: bytes on the wire).
 */
export const COMPRESS_MIN_BYTES = 1400

// Dynamic responses want fast settings: gzip level 1 and brotli quality 4 take a quarter to a half of the
// CPU of their defaults for 10–20 % more bytes on this JSON (bench/results.json, "encodings").
const GZIP_LEVEL = 1
const BROTLI_QUALITY = 4

type Encoding = 'br' | 'gzip'

/** The encoding to answer with: gzip when the client accepts it (cheaper per byte saved), else br, else none. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined
  const accepted = new Set<string>()
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';')
    const q = params.map(p => p.trim()).find(p => p.startsWith('q='))
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name.trim())
  }
  if (accepted.has('gzip')) return 'gzip'
  if (accepted.has('br')) return 'br'
  return undefined
}

function compressor(encoding: Encoding): Transform {
  return encoding === 'gzip' ? createGzip({ level: GZIP_LEVEL }) : createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
}

function compressWhole(encoding: Encoding, body: Buffer): Buffer {
  return encoding === 'gzip'
    ? gzipSync(body, { level: GZIP_LEVEL })
    : brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
}

/**
 * Answers `{"<key>": items.map(toItem)}` as JSON. A body that fits one chunk is sent in one piece with its
 * length; a longer one is streamed in chunks as they are built (items are turned into JSON only when the
 * socket wants more). `toItem` must not throw once the first chunk has been sent.
 */
export function sendJsonList<R, T>(event: H3Event, key: string, items: readonly R[], toItem: (item: R) => T): Promise<void> | string | Buffer {
  let i = 0
  let done = false
  const next = (): string => {
    let text = i === 0 ? `{${JSON.stringify(key)}:[` : ''
    while (i < items.length && text.length < CHUNK_CHARS) text += (i > 0 ? ',' : '') + JSON.stringify(toItem(items[i++]!))
    if (i === items.length) {
      text += ']}'
      done = true
    }
    return text
  }

  const res = event.node.res
  const encoding = chooseEncoding(event.node.req.headers['accept-encoding'])
  res.setHeader('content-type', 'application/json')
  res.setHeader('vary', 'accept-encoding')
  const first = next()
  if (done) {
    if (!encoding || first.length < COMPRESS_MIN_BYTES) return first
    res.setHeader('content-encoding', encoding)
    return compressWhole(encoding, Buffer.from(first))
  }

  const source = Readable.from((function* () {
    yield Buffer.from(first)
    while (!done) yield Buffer.from(next())
  })(), { objectMode: false })
  if (!encoding) return sendStream(event, source)
  res.setHeader('content-encoding', encoding)
  // A failing source (or a client gone away) fails the compressor too, and so the response.
  return sendStream(event, pipeline(source, compressor(encoding), () => {}))
}
