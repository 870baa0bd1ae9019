import { DeleteObjectsCommand } from '@aws-sdk/client-s3'
import type { S3Client } from '@aws-sdk/client-s3'
import type { PrismaClient } from '../generated/prisma/client'
import { usePrisma } from './prisma'
import { useS3Client, useS3Settings } from './storage'

// The storage sweep (task storage:sweep, and right after requests that delete rows): uploads never completed
// go, and objects whose rows are gone are deleted from storage. Every instance runs it, so work is taken with
// FOR UPDATE SKIP LOCKED: concurrent sweeps take disjoint rows and none does another's work. An object key is
// taken with a lease (its next attempt moved a while ahead), so a sweep that dies leaves it to a later one.
// Keys storage refuses to delete back off exponentially, and due keys are taken oldest-due first: keys that
// keep failing wait their turn behind fresh ones instead of filling every batch.

/** How long a taken key belongs to the sweep that took it, seconds. */
export const SWEEP_LEASE = 10 * 60
/** The longest a failing key waits between attempts, seconds. */
export const MAX_BACKOFF = 60 * 60

export interface PurgeResult { deleted: number, failed: number }

/**
 * Deletes up to `limit` uploads pending for longer than `olderThanSeconds` (rows now; the trigger records
 * their objects in storage_deletion). Rows another sweep or a completing upload holds are skipped.
 */
export async function deleteStaleUploads(prisma: PrismaClient, olderThanSeconds: number, limit = 1000): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM chat_conversation_file WHERE id IN (
      SELECT id FROM chat_conversation_file
      WHERE completed_at IS NULL AND created_at < now() - ${olderThanSeconds}::int * interval '1 second'
      ORDER BY created_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)`
}

/**
 * Takes up to `limit` due keys from storage_deletion and deletes their objects in one request. Confirmed
 * keys are forgotten; keys storage refused are retried after 1, 2, 4… minutes (at most MAX_BACKOFF). When
 * storage cannot be reached at all, the keys are due again at once (it was no fault of theirs) and the
 * error is thrown.
 */
export async function purgeDeletedObjects(prisma: PrismaClient, s3: S3Client, bucket: string, limit = 1000): Promise<PurgeResult> {
  const taken = await prisma.$queryRaw<{ objectKey: string }[]>`
    UPDATE storage_deletion d SET next_attempt_at = now() + ${SWEEP_LEASE}::int * interval '1 second'
    FROM (
      SELECT object_key FROM storage_deletion
      WHERE next_attempt_at <= now()
      ORDER BY next_attempt_at, object_key LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE d.object_key = due.object_key
    RETURNING d.object_key AS "objectKey"`
  if (taken.length === 0) return { deleted: 0, failed: 0 }
  const keys = taken.map(t => t.objectKey)

  let refused: Map<string, string>
  try {
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map(Key => ({ Key })), Quiet: true } }))
    refused = new Map((result.Errors ?? []).filter(e => e.Key).map(e => [e.Key!, `${e.Code ?? 'Error'}: ${e.Message ?? ''}`.slice(0, 500)]))
  }
  catch (error) {
    await prisma.$executeRaw`
      UPDATE storage_deletion SET next_attempt_at = now(), last_error = ${String((error as Error).message ?? error).slice(0, 500)}
      WHERE object_key = ANY(${keys}::text[])`
    throw error
  }

  const deleted = keys.filter(k => !refused.has(k))
  await prisma.$executeRaw`
    WITH confirmed AS (DELETE FROM storage_deletion WHERE object_key = ANY(${deleted}::text[]))
    UPDATE storage_deletion d
    SET attempts = d.attempts + 1,
        next_attempt_at = now() + least(60 * power(2, d.attempts), ${MAX_BACKOFF}) * interval '1 second',
        last_error = r.error
    FROM unnest(${[...refused.keys()]}::text[], ${[...refused.values()]}::text[]) AS r(key, error)
    WHERE d.object_key = r.key`
  return { deleted: deleted.length, failed: refused.size }
}

/** After a request deleted rows: remove their objects now; if storage is down, the sweep retries later. */
export async function purgeDeletedObjectsSoon() {
  try {
    await purgeDeletedObjects(usePrisma(), useS3Client(), useS3Settings().bucket)
  }
  catch (error) {
    console.warn('[storage] deleting objects failed; the sweep will retry:', (error as Error).message)
  }
}

export interface SweepOptions {
  /** Rows or keys per statement and storage request (S3 deletes at most 1,000 objects per request). */
  batch?: number
  /** Batches per run, so one run ends even while work keeps arriving. */
  maxBatches?: number
}

/** The sweep: stale uploads' rows (their objects are recorded by the trigger), then every due object. */
export async function sweepStorage(prisma: PrismaClient, s3: S3Client, bucket: string, pendingTtlSeconds: number, options: SweepOptions = {}) {
  const batch = options.batch ?? 1000
  const maxBatches = options.maxBatches ?? 50
  let staleUploads = 0
  for (let i = 0; i < maxBatches; i++) {
    const count = await deleteStaleUploads(prisma, pendingTtlSeconds, batch)
    staleUploads += count
    if (count < batch) break
  }
  let objectsDeleted = 0
  let objectsFailed = 0
  for (let i = 0; i < maxBatches; i++) {
    const { deleted, failed } = await purgeDeletedObjects(prisma, s3, bucket, batch)
    objectsDeleted += deleted
    objectsFailed += failed
    if (deleted + failed < batch) break
  }
  return { staleUploads, objectsDeleted, objectsFailed }
}
