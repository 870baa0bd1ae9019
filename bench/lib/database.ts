import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { cleanups } from './processes'

// The bench's own database (created on DATABASE_URL's server, else 127.0.0.1:5432, dropped afterwards) and its chats.

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  }
  finally {
    await client.end()
  }
}

export async function createDatabase(): Promise<string> {
  const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres'
  const name = `chat_files_bench_${randomBytes(4).toString('hex')}`
  await withClient(serverUrl, c => c.query(`CREATE DATABASE "${name}"`))
  cleanups.push(() => withClient(serverUrl, c => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

const TYPES = ['application/pdf', 'image/png', 'text/plain; charset=utf-8', 'text/html', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']

/** A chat of `userId` with `count` completed files (rows only: listing never touches the objects) and one pending upload. */
export async function seedChat(client: pg.Client, userId: string, count: number): Promise<number> {
  const { rows: [chat] } = await client.query<{ id: number }>('INSERT INTO chat_conversation (user_id, name) VALUES ($1, $2) RETURNING id', [userId, `Bench chat with ${count} files`])
  await client.query(`
    INSERT INTO chat_conversation_file (chat_conversation_id, name, size, type, object_key, created_at)
    SELECT $1::int,
      CASE WHEN i % 3 = 0 THEN 'Grüße – Bericht ' || i || ' ☕.pdf' ELSE 'quarterly report ' || i || '.pdf' END,
      (i * 7919) % 25000000, ($3::text[])[1 + i % 5], 'chats/' || $1::int || '/' || gen_random_uuid(),
      timestamptz '2025-01-01 00:00:00Z' + (i / 2) * interval '1 second'
    FROM generate_series(1, $2::int) AS i`, [chat!.id, count, TYPES])
  await client.query(`INSERT INTO chat_conversation_file (chat_conversation_id, name, size, type, object_key, completed_at)
    VALUES ($1::int, 'pending upload.bin', 1, 'application/octet-stream', 'chats/' || $1::int || '/' || gen_random_uuid(), NULL)`, [chat!.id])
  return chat!.id
}

/**
 * Statements the database committed so far (pg_stat_database.xact_commit of this database). Every statement
 * the app sends outside a transaction block commits once, so the difference over a run, divided by its
 * requests, is the database round trips per request. An idle backend publishes its counters up to 10 s
 * late (PostgreSQL 15's PGSTAT_IDLE_INTERVAL), hence the pause and a fresh snapshot.
 */
export async function committedStatements(url: string): Promise<number> {
  await new Promise(resolve => setTimeout(resolve, 11_000))
  return withClient(url, async (c) => {
    await c.query('SELECT pg_stat_clear_snapshot()')
    const { rows: [row] } = await c.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()')
    return Number(row!.n)
  })
}
