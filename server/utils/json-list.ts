import { Readable, pipeline } from 'node:stream'
import type { Transform } from 'node:stream'
import { brotliCompressSync, constants, createBrotliCompress, createGzip, gzipSync } from 'node:zlib'
import type { H3Event } from 'h3'

// A JSON object holding one list, `{"<key>":[…]}`, written out as it is built: a large list never exists
// whole (not as objects, not as one string), so time and memory per item stay the same at 10,000 items
// as at 100. Compressed when the client asks for it and the body is worth it.

/** Characters of JSON built at a time, and handed to the socket (or the compressor) when streaming. */
const CHUNK_CHARS = 64 * 1024

/**
 * Bodies up to this many characters are sent in one piece with their length (a 1,000-file listing is about
 * 740 KB): one write, and compressed in one call rather than through a zlib stream, which costs a thread-pool
 * hop and hundreds of KB of state per response. Longer ones are streamed.
 */
const WHOLE_BODY_CHARS = 1024 * 1024

/**
 * Lists up to this long (about 370 KB at a typical 740 bytes an item) are turned into JSON in one
 * JSON.stringify call, as h3 does for any returned object: one call instead of one per item.
 */
const ONE_CALL_ITEMS = 512

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
 * Answers `{"<key>": items.map(toItem)}` as JSON. A body of up to WHOLE_BODY_CHARS is sent in one piece with
 * its length; a longer one is streamed in chunks as they are built (items are turned into JSON only when the
 * socket wants more). `toItem` must not throw once streaming has begun.
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
  const whole = (body: string) => {
    if (!encoding || body.length < COMPRESS_MIN_BYTES) return body
    res.setHeader('content-encoding', encoding)
    return compressWhole(encoding, Buffer.from(body))
  }
  if (items.length <= ONE_CALL_ITEMS) return whole(JSON.stringify({ [key]: items.map(toItem) }))

  const built: string[] = []
  let length = 0
  while (!done && length < WHOLE_BODY_CHARS) {
    built.push(next())
    length += built.at(-1)!.length
  }
  if (done) return whole(built.join(''))

  const source = Readable.from((function* () {
    for (const chunk of built.splice(0)) yield Buffer.from(chunk)
    while (!done) yield Buffer.from(next())
  })(), { objectMode: false })
  if (!encoding) return sendStream(event, source)
  res.setHeader('content-encoding', encoding)
  // A failing source (or a client gone away) fails the compressor too, and so the response.
  return sendStream(event, pipeline(source, compressor(encoding), () => {}))
}
