import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac, createSecretKey } from 'node:crypto'
import { defineEventHandler, getValidatedRouterParams, setResponseHeader } from 'h3'
import pg from 'pg'
import type { ChatFile, GetChatFilesResponse } from '../../shared/types/api'
import { chatFilesInSession, chatRouteParams } from '../../server/utils/chats'
import type { ListedFile } from '../../server/utils/chats'
import { readSession, sessionArgs, sessionEnded, useSessionLifetimes } from '../../server/utils/sessions'
import { chatNotFound } from '../../server/utils/errors'
import { useS3Settings } from '../../server/utils/storage'
import { contentDisposition, servedContentType } from '../../server/utils/content-disposition'
import { bucketLocation, uriEncode } from '../../server/utils/presigner'
import type { S3Settings } from '../../server/utils/storage'

// Benchmark build only (`npm run bench`): the floor, i.e. the least the same route can cost on this
// stack. Same work: the cookie unsealed the same way, the same one statement (session check, ownership and
// files; chatFilesInSession's SQL, so the comparison stays fair), the same response (URLs signed for the same
// host with the same response-content-disposition/-type). But the statement is prepared on a plain pg Pool
// (rows as arrays), the response is one JSON.stringify, and SigV4 is written out for exactly this request shape:
// one SHA-256 and one HMAC with the day's signing key cached, the constant parts of the canonical request and
// query built once.

// The fastest SHA-256 of a string Node has: one call where available (Node ≥ 20.12), else a Hash object.
const sha256Hex: (data: string) => string = typeof nodeCrypto.hash === 'function'
  ? data => nodeCrypto.hash('sha256', data, 'hex')
  : data => createHash('sha256').update(data).digest('hex')

/** Keys of unreserved characters and slashes (chats/{id}/{uuid}) need no encoding. */
const SAFE_KEY = /^[\w.~/-]*$/

let pool: pg.Pool | undefined
let signer: ReturnType<typeof floorSigner> | undefined

export default defineEventHandler(async (event) => {
  const session = await readSession(event)
  const params = await getValidatedRouterParams(event, chatRouteParams.parse)
  pool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  signer ??= floorSigner(useS3Settings())

  const { rows } = await pool.query<ListedFile | [null]>({
    name: 'bench_floor_chat_files',
    text: chatFilesInSession.text,
    values: [...sessionArgs(session, useSessionLifetimes()), params.chat_id, params.user_id === session.user.id],
    rowMode: 'array',
  })
  if (rows.length === 0) throw sessionEnded(event)
  if (rows[0]![0] === null) throw chatNotFound()

  const sign = signer.begin()
  const chatFiles: ChatFile[] = []
  for (const row of rows as ListedFile[]) {
    const [, id, name, size, type, objectKey, createdAt] = row
    if (id === null) break // the chat exists and has no files: one row of NULLs from the LEFT JOIN
    chatFiles.push({
      id,
      chat_conversation_id: params.chat_id,
      name,
      size: Number(size),
      type,
      created_at: createdAt,
      url: sign(objectKey, uriEncode(contentDisposition(name, type)), uriEncode(servedContentType(type))),
    })
  }
  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { chatFiles } satisfies GetChatFilesResponse
})

function floorSigner(s: S3Settings) {
  const { protocol, host, pathPrefix } = bucketLocation(s.publicEndpoint || s.endpoint, s)
  const origin = `${protocol}//${host}`
  const tail = `\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`
  let day = ''
  let key = createSecretKey(Buffer.alloc(1))
  return {
    /** A signing function for this request: date, scope and constant query computed once. */
    begin() {
      const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')
      if (amzDate.slice(0, 8) !== day) {
        day = amzDate.slice(0, 8)
        const kDate = createHmac('sha256', `AWS4${s.secretAccessKey}`).update(day).digest()
        // A KeyObject: Node 24 (OpenSSL 3.5) spends ~8 µs importing a raw key on every createHmac.
        key = createSecretKey([s.region, 's3', 'aws4_request'].reduce((k, d) => createHmac('sha256', k).update(d).digest(), kDate))
      }
      const scope = `${day}/${s.region}/s3/aws4_request`
      const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${uriEncode(`${s.accessKeyId}/${scope}`)}&X-Amz-Date=${amzDate}&X-Amz-Expires=${s.urlTtl}&X-Amz-SignedHeaders=host&response-content-disposition=`
      const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n`
      const signingKey = key
      return (objectKey: string, disposition: string, type: string) => {
        const path = `${pathPrefix}/${SAFE_KEY.test(objectKey) ? objectKey : objectKey.split('/').map(uriEncode).join('/')}`
        const q = `${query}${disposition}&response-content-type=${type}`
        const hash = sha256Hex(`GET\n${path}\n${q}${tail}`)
        return `${origin}${path}?${q}&X-Amz-Signature=${createHmac('sha256', signingKey).update(toSign + hash).digest('hex')}`
      }
    },
  }
}
