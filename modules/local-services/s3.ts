import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import S3rver from 's3rver'

// An S3-compatible server on loopback for development and tests. It checks expiry of presigned URLs
// but not their signatures, so it proves nothing about signing and must never hold real data.

export interface LocalS3 {
  endpoint: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  stop(): Promise<void>
}

export async function startLocalS3(options: { directory: string, bucket: string, port?: number, allowedOrigins?: string[] }): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true })
  const origins = options.allowedOrigins ?? ['*']
  // Browsers PUT and GET presigned URLs directly; the app's origin must be allowed to.
  const cors = `<CORSConfiguration>${origins.map(o => `<CORSRule><AllowedOrigin>${o}</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>`).join('')}</CORSConfiguration>`
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket, configs: [cors] }],
  })
  const address = await server.run() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket: options.bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    stop: () => server.close(),
  }
}
