import { z } from 'zod'
import type { PublicUser } from '#shared/types/api'
import { usePrisma } from './prisma'

// Addresses are stored lowercased so that sign-up and login agree on who is who.
export const emailField = z.string().trim().toLowerCase().max(254).pipe(z.email('must be a valid email address'))
  .meta({ format: 'email', description: 'Trimmed and compared case-insensitively.' })

export const credentialsBody = z.object({
  email: emailField,
  password: z.string().min(1, 'is required').max(1024, 'is too long'),
})

/** A password a new account or a password change may set. */
export const newPassword = z.string()
  .min(10, 'must be at least 10 characters')
  .max(1024, 'is too long')
  .refine(p => new Set(p).size >= 5, 'is too repetitive')
  .meta({ description: 'At least 10 characters, at least 5 of them different.' })

export const signUpBody = z.object({
  email: emailField,
  password: newPassword,
})

export const changePasswordBody = z.object({
  current_password: z.string().min(1, 'is required').max(1024, 'is too long'),
  new_password: newPassword,
})

/** Session ids are UUIDs we made; anything else names no session. */
export const sessionRouteParams = z.object({ session_id: z.uuid('must be a session id') })

export function toPublicUser(user: { id: string, email: string }): PublicUser {
  return { id: user.id, email: user.email }
}

export function findUserByEmail(email: string) {
  return usePrisma().user.findUnique({ where: { email }, select: { id: true, email: true, passwordHash: true } })
}

export function findUserById(id: string) {
  return usePrisma().user.findUnique({ where: { id }, select: { id: true, email: true, passwordHash: true } })
}

/** Creates the user, or returns null when the email is taken (decided by the unique index, not a prior read). */
export async function createUser(email: string, passwordHash: string) {
  try {
    return await usePrisma().user.create({ data: { email, passwordHash }, select: { id: true, email: true } })
  }
  catch (error) {
    if ((error as { code?: string }).code === 'P2002') return null
    throw error
  }
}
