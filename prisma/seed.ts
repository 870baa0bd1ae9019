import { randomUUID } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { CreateBucketCommand, DeleteObjectsCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { Hash } from '@adonisjs/hash'
import { Scrypt } from '@adonisjs/hash/drivers/scrypt'
import { createPrismaClient } from '../server/utils/prisma'
import { createS3Client } from '../server/utils/storage'
import { s3SettingsFromEnv } from '../server/utils/config'

// Demo data for a first start: two users, each with a chat holding real files and an empty chat.
// Idempotent: a user that already exists is left exactly as it is.

export const defaultSeedPassword = 'demo-password-123'
export const seedEmails = ['alice@example.com', 'bob@example.com'] as const

interface SeedFile { name: string, type: string, body: Buffer }

export async function demoFiles(owner: string): Promise<SeedFile[]> {
  return [
    { name: `${owner}'s quarterly report.pdf`, type: 'application/pdf', body: tinyPdf(`Quarterly report for ${owner}`) },
    { name: 'diagram.png', type: 'image/png', body: tinyPng(32, 32) },
    { name: 'Über-Notizen – café ☕.txt', type: 'text/plain; charset=utf-8', body: Buffer.from(`Notizen für ${owner}: Grüße aus dem Café. ☕\n`, 'utf8') },
    // Two photos, so the web UI shows thumbnails out of the box.
    { name: 'Hills at dawn.jpg', type: 'image/jpeg', body: await demoPhoto(1600, 1067, 0) },
    { name: 'Evening by the lake.jpg', type: 'image/jpeg', body: await demoPhoto(1600, 1067, 1) },
  ]
}

/**
 * A landscape drawn from code (sky, sun, three ridges of hills), as a JPEG. `grain` adds sensor-like noise,
 * which makes the file as heavy as a real photo of that size (a 12-megapixel one with grain 12: about 3 MB).
 */
export async function demoPhoto(width: number, height: number, variant = 0, grain = 0): Promise<Buffer> {
  const { default: sharp } = await import('sharp')
  const warm = variant % 2 === 1
  const sky = warm ? [[255, 170, 110], [90, 60, 140]] : [[150, 200, 255], [235, 240, 255]]
  const hills = warm ? [[70, 50, 90], [45, 35, 70], [25, 20, 45]] : [[110, 160, 100], [70, 125, 75], [40, 90, 55]]
  const sun = { x: width * (warm ? 0.7 : 0.3), y: height * (warm ? 0.55 : 0.3), r: Math.min(width, height) * 0.08 }
  const px = Buffer.alloc(width * height * 3)
  let noise = 0x2545F491 ^ (variant * 7919)
  for (let y = 0; y < height; y++) {
    const t = y / height
    for (let x = 0; x < width; x++) {
      let c = [0, 1, 2].map(i => sky[0]![i]! + (sky[1]![i]! - sky[0]![i]!) * t)
      const d = Math.hypot(x - sun.x, y - sun.y)
      if (d < sun.r) c = warm ? [255, 220, 150] : [255, 250, 220]
      else if (d < sun.r * 2.5) c = c.map(v => v + (255 - v) * 0.35 * (1 - (d - sun.r) / (sun.r * 1.5)))
      for (let h = 0; h < 3; h++) {
        const ridge = height * (0.55 + h * 0.12) + Math.sin(x / width * (4 + h * 3) + variant + h) * height * 0.05 + Math.sin(x / width * 23 + h) * height * 0.01
        if (y > ridge) c = hills[h]!.map(v => v * (0.85 + 0.15 * (1 - (y - ridge) / height)))
      }
      const o = (y * width + x) * 3
      for (let i = 0; i < 3; i++) {
        let v = c[i]!
        if (grain) {
          noise ^= noise << 13; noise ^= noise >>> 17; noise ^= noise << 5
          v += ((noise & 0xFF) / 255 - 0.5) * grain * 2
        }
        px[o + i] = Math.max(0, Math.min(255, v))
      }
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()
}

export interface SeedOptions {
  databaseUrl: string
  s3: S3Client
  bucket: string
  password?: string
  log?: (line: string) => void
}

export async function seed({ databaseUrl, s3, bucket, password = defaultSeedPassword, log = () => {} }: SeedOptions) {
  await ensureBucket(s3, bucket)
  // The same scrypt hasher nuxt-auth-utils' hashPassword uses, with its default options.
  const hasher = new Hash(new Scrypt({}))
  const prisma = createPrismaClient(databaseUrl, { max: 1 })
  try {
    for (const email of seedEmails) {
      if (await prisma.user.findUnique({ where: { email }, select: { id: true } })) continue
      const owner = email.split('@')[0]!.replace(/^./, c => c.toUpperCase())
      const passwordHash = await hasher.make(password)
      const uploaded: string[] = []
      try {
        await prisma.$transaction(async (tx) => {
          const user = await tx.user.create({ data: { email, passwordHash } })
          const chat = await tx.chatConversation.create({ data: { userId: user.id, name: `${owner}'s project files`, createdAt: new Date(Date.now() - 60_000) } })
          await tx.chatConversation.create({ data: { userId: user.id, name: 'Empty chat' } })
          let at = Date.now() - 50_000
          for (const file of await demoFiles(owner)) {
            const objectKey = `chats/${chat.id}/${randomUUID()}`
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: file.body, ContentType: file.type }))
            uploaded.push(objectKey)
            await tx.chatConversationFile.create({
              data: { chatConversationId: chat.id, name: file.name, size: file.body.length, type: file.type, objectKey, createdAt: new Date(at += 1000) },
            })
          }
        }, { timeout: 60_000 })
      }
      catch (error) {
        // Rows rolled back; take the objects with them so nothing is left orphaned.
        if (uploaded.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: uploaded.map(Key => ({ Key })) } })).catch(() => {})
        throw error
      }
      log(`seeded ${email}`)
    }
  }
  finally {
    await prisma.$disconnect()
  }
}

async function ensureBucket(s3: S3Client, bucket: string) {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }))
  }
  catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  }
}

/** A one-page PDF with a line of text, with a correct cross-reference table. */
export function tinyPdf(text: string): Buffer {
  const safe = text.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '\\$&')
  const stream = `BT /F1 24 Tf 72 720 Td (${safe}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let pdf = '%PDF-1.4\n'
  const offsets = objects.map((body, i) => {
    const offset = pdf.length
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`
    return offset
  })
  const xref = pdf.length
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map(o => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(pdf, 'latin1')
}

/** An RGB PNG with a colour gradient. */
export function tinyPng(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    for (let x = 0; x < width; x++) raw.set([x * 255 / width, y * 255 / height, 160], row + 1 + x * 3)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0)),
  ])
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

function crc32(buf: Buffer): number {
  let c = ~0
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1))
  }
  return ~c >>> 0
}

// `npm run db:seed`: against DATABASE_URL and NUXT_S3_*.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const settings = s3SettingsFromEnv()
  if (!process.env.DATABASE_URL || !settings.bucket) {
    console.error('Set DATABASE_URL and NUXT_S3_* (at least NUXT_S3_BUCKET and credentials); see .env.example')
    process.exit(1)
  }
  seed({ databaseUrl: process.env.DATABASE_URL, s3: createS3Client(settings), bucket: settings.bucket, password: process.env.SEED_PASSWORD, log: console.log })
    .then(() => console.log(`Seed done. Demo users: ${seedEmails.join(', ')}`))
    .catch((error) => {
      console.error(error)
      process.exit(1)
    })
}
