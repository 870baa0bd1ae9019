import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from '../generated/prisma/client'

// One client (and so one pg pool) per server process, created on first use.
let client: PrismaClient | undefined

export function usePrisma(): PrismaClient {
  client ??= createPrismaClient(process.env.DATABASE_URL)
  return client
}

export function createPrismaClient(connectionString: string | undefined, options: { max?: number } = {}) {
  if (!connectionString) throw new Error('DATABASE_URL is not set')
  const adapter = new PrismaPg({ connectionString, max: options.max ?? 10 })
  return new PrismaClient({ adapter })
}
