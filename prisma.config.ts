import { defineConfig } from 'prisma/config'

// The CLI is only used for `prisma generate` here; `npm run db:migrate` (prisma/migrate.ts) applies migrations.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/chat_files' },
})
