import { randomUUID } from 'node:crypto'
import type { H3Event } from 'h3'
import type { User } from '#auth-utils'
import type { SessionInfo } from '#shared/types/api'
import type { PrismaClient } from '../generated/prisma/client'
import { SESSION_TOUCH_INTERVAL, sessionCookieName } from './config'
import { signInRequired } from './errors'
import { preparedStatement, useDatabase, usePrisma } from './prisma'
import type { Database } from './prisma'
import { clientAddress, useRequestSettings } from './requests'

// Sessions recorded server-side. The sealed `neptun-session` cookie (nuxt-auth-utils) carries the session's id
// (h3's session id, which is sealed with the data); a `user_session` row says whether that session may still be
// used: not revoked, younger than NUXT_SESSION_MAX_AGE, used within NUXT_SESSION_IDLE_TIMEOUT. A copy of a
// cookie is worth nothing once its row says no.

export interface SessionLifetimes {
  /** Absolute lifetime, seconds (NUXT_SESSION_MAX_AGE). */
  maxAge: number
  /** Idle timeout, seconds (NUXT_SESSION_IDLE_TIMEOUT). */
  idleTimeout: number
}

/** A session as the cookie states it; only the database says whether it is still good. */
export interface CookieSession {
  id: string
  user: User
}

let lifetimes: SessionLifetimes | undefined

export function useSessionLifetimes(): SessionLifetimes {
  if (!lifetimes) {
    const config = useRuntimeConfig()
    lifetimes = { maxAge: Number(config.session.maxAge), idleTimeout: Number(config.sessionIdleTimeout) }
  }
  return lifetimes
}

/**
 * SQL text for a WITH clause: `active_session(id, user_id)` holds the session if it may be used now, and a
 * data-modifying `touched` moves its last_seen_at forward, but only when it is over a minute old: a
 * WHERE that usually matches nothing, so concurrent requests on one cookie do not queue on the row's lock.
 * Part of the statement that needs it, so checking a session costs no round trip of its own. Parameters:
 * $1 session id, $2 its user's id, $3 NUXT_SESSION_MAX_AGE, $4 NUXT_SESSION_IDLE_TIMEOUT (`sessionArgs`).
 */
export const ACTIVE_SESSION_CTE = `active_session AS (
    SELECT id, user_id FROM user_session
    WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL
      AND created_at > now() - $3::int * interval '1 second'
      AND last_seen_at > now() - $4::int * interval '1 second'
  ), touched AS (
    UPDATE user_session u SET last_seen_at = now() FROM active_session a
    WHERE u.id = a.id AND u.last_seen_at < now() - interval '${SESSION_TOUCH_INTERVAL} seconds'
  )`

/** The arguments ACTIVE_SESSION_CTE takes. */
export const sessionArgs = (session: CookieSession, t: SessionLifetimes) => [session.id, session.user.id, t.maxAge, t.idleTimeout]

const sessionActive = preparedStatement('session_active', `WITH ${ACTIVE_SESSION_CTE} SELECT id FROM active_session`)

/** Whether the database still accepts the session; one round trip (it also records the session's use). */
export async function isSessionActive(session: CookieSession, t: SessionLifetimes = useSessionLifetimes(), db: Database = useDatabase()): Promise<boolean> {
  const rows = await db.sql<[string]>(sessionActive, sessionArgs(session, t))
  return rows.length > 0
}

/** The session the cookie states, unsealed, without asking the database; 401 without one. */
export async function readSession(event: H3Event): Promise<CookieSession> {
  const session = await getUserSession(event)
  if (!session.user?.id || !session.id) throw signInRequired()
  return { id: session.id, user: session.user }
}

/** The request's session, checked against the database (one round trip); 401 when there is none or it ended. */
export async function requireSession(event: H3Event): Promise<CookieSession> {
  const session = await readSession(event)
  if (!await isSessionActive(session)) throw sessionEnded(event)
  return session
}

/** The 401 for a cookie the database no longer accepts; the browser is told to drop it. */
export function sessionEnded(event: H3Event) {
  deleteCookie(event, sessionCookieName, useRuntimeConfig(event).session.cookie || undefined)
  return signInRequired()
}

/**
 * Signs `user` in: records a new session and seals its id into a fresh cookie. Whatever session the
 * browser brought is revoked in the same statement, so no session id survives a sign-in (fixation).
 */
export async function startSession(event: H3Event, user: User, prisma: PrismaClient = usePrisma()) {
  const previous = await getUserSession(event)
  const id = randomUUID()
  const userAgent = (event.node.req.headers['user-agent'] ?? '').slice(0, 256)
  const address = clientAddress(event.node.req, useRequestSettings().trustedProxies)
  await prisma.$executeRaw`
    WITH ended AS (UPDATE user_session SET revoked_at = now() WHERE id = ${previous.id ?? ''} AND revoked_at IS NULL)
    INSERT INTO user_session (id, user_id, user_agent, client_address) VALUES (${id}, ${user.id}, ${userAgent}, ${address})`
  // A new h3 session with this id and a fresh creation time. replaceUserSession would keep the id and
  // creation time of a cookie the request still carries (h3 reads it back), so the session is placed first.
  const sessions = (event.context.sessions ??= Object.create(null) as NonNullable<typeof event.context.sessions>)
  sessions[sessionCookieName] = { id, createdAt: Date.now(), data: Object.create(null) }
  await setUserSession(event, { user })
  return id
}

export async function revokeSession(id: string, prisma: PrismaClient = usePrisma()) {
  await prisma.$executeRaw`UPDATE user_session SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL`
}

/** Revokes `userId`'s session `id`; false when no such session of theirs is active. */
export async function revokeSessionOfUser(userId: string, id: string, prisma: PrismaClient = usePrisma()): Promise<boolean> {
  const count = await prisma.$executeRaw`UPDATE user_session SET revoked_at = now() WHERE id = ${id} AND user_id = ${userId} AND revoked_at IS NULL`
  return count > 0
}

/** Revokes every session of the user, but `exceptId` when given; the number revoked. */
export function revokeUserSessions(userId: string, exceptId?: string, prisma: PrismaClient = usePrisma()): Promise<number> {
  return prisma.$executeRaw`UPDATE user_session SET revoked_at = now() WHERE user_id = ${userId} AND id <> ${exceptId ?? ''} AND revoked_at IS NULL`
}

/**
 * Sets a new password hash and revokes every other session of the user, in one statement: no moment
 * exists where the password changed and an old session still works.
 */
export function changePasswordKeepingSession(session: CookieSession, passwordHash: string, prisma: PrismaClient = usePrisma()): Promise<number> {
  return prisma.$executeRaw`
    WITH changed AS (UPDATE "user" SET password_hash = ${passwordHash} WHERE id = ${session.user.id} RETURNING id)
    UPDATE user_session SET revoked_at = now()
    WHERE user_id IN (SELECT id FROM changed) AND id <> ${session.id} AND revoked_at IS NULL`
}

/** The user's sessions that may still be used, most recently used first. */
export async function listActiveSessions(current: CookieSession, t: SessionLifetimes = useSessionLifetimes(), prisma: PrismaClient = usePrisma()): Promise<SessionInfo[]> {
  const rows = await prisma.$queryRaw<{ id: string, created_at: Date, last_seen_at: Date, user_agent: string, client_address: string }[]>`
    SELECT id, created_at, last_seen_at, user_agent, client_address FROM user_session
    WHERE user_id = ${current.user.id} AND revoked_at IS NULL
      AND created_at > now() - ${t.maxAge}::int * interval '1 second'
      AND last_seen_at > now() - ${t.idleTimeout}::int * interval '1 second'
    ORDER BY last_seen_at DESC, created_at DESC`
  return rows.map(r => ({
    id: r.id,
    created_at: r.created_at.toISOString(),
    last_seen_at: r.last_seen_at.toISOString(),
    user_agent: r.user_agent,
    client_address: r.client_address,
    current: r.id === current.id,
  }))
}

/** Deletes sessions that can no longer be used (revoked, idle too long or past their lifetime). */
export function deleteEndedSessions(t: SessionLifetimes = useSessionLifetimes(), prisma: PrismaClient = usePrisma()): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM user_session
    WHERE revoked_at IS NOT NULL
       OR created_at <= now() - ${t.maxAge}::int * interval '1 second'
       OR last_seen_at <= now() - ${t.idleTimeout}::int * interval '1 second'`
}
