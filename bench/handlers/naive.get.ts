import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { defineEventHandler, setResponseHeader } from 'h3'
import type { GetChatFilesResponse } from '../../shared/types/api'
import { chatRouteParams, requireOwnRoute } from '../../server/utils/chats'
import { chatNotFound } from '../../server/utils/errors'
import { usePrisma } from '../../server/utils/prisma'
import { useS3Settings } from '../../server/utils/storage'
import { contentDisposition, servedContentType } from '../../server/utils/content-disposition'

// Benchmark build only (`npm run bench`): the same route written the tutorial way, as a peer to compare
// with. Same session check, same response, but: one query for the chat, a second for its files, and
// the SDK's getSignedUrl with a new GetObjectCommand for every file.

let s3: S3Client | undefined

export default defineEventHandler(async (event) => {
  const { user, params } = await requireOwnRoute(event, chatRouteParams)
  const settings = useS3Settings()
  s3 ??= new S3Client({
    region: settings.region,
    endpoint: settings.publicEndpoint || settings.endpoint || undefined,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
  })
  const prisma = usePrisma()

  const chat = await prisma.chatConversation.findFirst({ where: { id: params.chat_id, userId: user.id } })
  if (!chat) throw chatNotFound()
  const files = await prisma.chatConversationFile.findMany({
    where: { chatConversationId: chat.id, completedAt: { not: null } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  })

  const chatFiles = await Promise.all(files.map(async file => ({
    id: file.id,
    chat_conversation_id: file.chatConversationId,
    name: file.name,
    size: Number(file.size),
    type: file.type,
    created_at: file.createdAt.toISOString(),
    url: await getSignedUrl(s3!, new GetObjectCommand({
      Bucket: settings.bucket,
      Key: file.objectKey,
      ResponseContentDisposition: contentDisposition(file.name, file.type),
      ResponseContentType: servedContentType(file.type),
    }), { expiresIn: settings.urlTtl }),
  })))

  setResponseHeader(event, 'cache-control', 'private, no-store')
  return { chatFiles } satisfies GetChatFilesResponse
})
