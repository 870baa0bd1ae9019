import { spawnSync } from 'node:child_process'
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import { appEnv, useServices } from '../helpers/app'
import { rootDir } from '../helpers/paths'
import { seedEmails } from '../../prisma/seed'

const services = useServices()

/** `npm run db:seed`, as an operator runs it: a separate process configured only by environment. */
function runSeedCli(env: Record<string, string>) {
  return spawnSync(process.execPath, ['node_modules/jiti/lib/jiti-cli.mjs', 'prisma/seed.ts'], {
    cwd: rootDir, encoding: 'utf8', env: { PATH: process.env.PATH!, ...env },
  })
}

describe('npm run db:seed', () => {
  it('seeds two users, each with a chat of real files and an empty chat, and is idempotent', async () => {
    const first = runSeedCli(appEnv({ SEED_PASSWORD: 'seed-test-password' }))
    expect(first.status, first.stderr).toBe(0)
    const snapshot = () => services.prisma.user.findMany({
      where: { email: { in: [...seedEmails] } },
      orderBy: { email: 'asc' },
      include: { chats: { orderBy: { id: 'asc' }, include: { files: { orderBy: { id: 'asc' } } } } },
    })
    const users = await snapshot()
    expect(users.map(u => u.email)).toEqual([...seedEmails])
    for (const user of users) {
      expect(user.chats).toHaveLength(2)
      const [withFiles, empty] = user.chats
      expect(empty!.files).toEqual([])
      const types = withFiles!.files.map(f => f.type)
      expect(types).toEqual(['application/pdf', 'image/png', 'text/plain; charset=utf-8', 'image/jpeg', 'image/jpeg'])
      expect(withFiles!.files.some(f => /[^\x00-\x7f]/.test(f.name))).toBe(true)
      for (const file of withFiles!.files) {
        const object = await services.s3.send(new GetObjectCommand({ Bucket: services.bucket, Key: file.objectKey }))
        const bytes = Buffer.from(await object.Body!.transformToByteArray())
        expect(bytes.length).toBe(Number(file.size))
        expect(file.objectKey).toMatch(new RegExp(`^chats/${withFiles!.id}/[0-9a-f-]{36}$`))
      }
      const [pdf, png, , jpeg] = withFiles!.files
      const head = async (key: string) => Buffer.from(await (await services.s3.send(new GetObjectCommand({ Bucket: services.bucket, Key: key }))).Body!.transformToByteArray()).subarray(0, 8)
      expect((await head(pdf!.objectKey)).toString('latin1')).toMatch(/^%PDF-1\./)
      expect(await head(png!.objectKey)).toEqual(Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
      expect((await head(jpeg!.objectKey)).subarray(0, 3)).toEqual(Buffer.from([0xFF, 0xD8, 0xFF]))
    }

    const second = runSeedCli(appEnv({ SEED_PASSWORD: 'another-password' }))
    expect(second.status, second.stderr).toBe(0)
    expect(await snapshot()).toEqual(users)
  })

  it('refuses to run without DATABASE_URL or a bucket, and says what to set', () => {
    const result = runSeedCli({})
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/DATABASE_URL.*NUXT_S3_/)
  })
})
