import { describe, expect, it } from 'vitest'
import { credentialsBody, emailField, signUpBody, toPublicUser } from '../../../server/utils/users'

const goodPassword = 'correct horse battery'

describe('emailField', () => {
  it('trims and lowercases the address', () => {
    expect(emailField.parse('  Alice.Smith@Example.COM \n')).toBe('alice.smith@example.com')
  })

  it.each(['', '   ', 'alice', 'alice@', '@example.com', 'alice@example', 'alice smith@example.com', 'alice@@example.com', 'alice@exa mple.com'])(
    'rejects %j',
    (email) => {
      expect(emailField.safeParse(email).success).toBe(false)
    },
  )

  it('says what is wrong with an invalid address', () => {
    expect(emailField.safeParse('alice').error?.issues.map(i => i.message)).toEqual(['must be a valid email address'])
  })

  it('accepts up to 254 characters, after trimming', () => {
    const at254 = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`
    expect(at254).toHaveLength(254)
    expect(emailField.parse(`  ${at254}  `)).toBe(at254)
    expect(emailField.safeParse(`a${at254}`).success).toBe(false)
  })
})

describe('signUpBody', () => {
  it('accepts a good email and password, normalizing the email', () => {
    expect(signUpBody.parse({ email: ' Bob@Example.com', password: goodPassword })).toEqual({ email: 'bob@example.com', password: goodPassword })
  })

  it('does not trim or otherwise change the password', () => {
    expect(signUpBody.parse({ email: 'bob@example.com', password: ` ${goodPassword} ` }).password).toBe(` ${goodPassword} `)
  })

  it.each([
    ['9 characters', 'abcdefghi', 'must be at least 10 characters'],
    ['10 copies of one character', 'aaaaaaaaaa', 'is too repetitive'],
    ['only 4 distinct characters', 'abcdabcdab', 'is too repetitive'],
    ['1025 characters', 'abcdefghij'.repeat(102) + 'abcde', 'is too long'],
  ])('rejects a password of %s', (_, password, message) => {
    const result = signUpBody.safeParse({ email: 'bob@example.com', password })
    expect(result.error?.issues.map(i => [i.path.join('.'), i.message])).toEqual([['password', message]])
  })

  it.each([
    ['exactly 10 characters, 5 distinct', 'abcdeabcde'],
    ['1024 characters', 'abcdefghij'.repeat(102) + 'abcd'],
    ['non-ASCII characters', 'pässwörd✓🔑'],
  ])('accepts a password of %s', (_, password) => {
    expect(signUpBody.safeParse({ email: 'bob@example.com', password }).success).toBe(true)
  })

  it('rejects a missing email or password', () => {
    expect(signUpBody.safeParse({ password: goodPassword }).success).toBe(false)
    expect(signUpBody.safeParse({ email: 'bob@example.com' }).success).toBe(false)
  })
})

describe('credentialsBody', () => {
  it('normalizes the email the same way as sign-up, so both name the same user', () => {
    const login = credentialsBody.parse({ email: ' BOB@example.COM', password: 'x' })
    const signUp = signUpBody.parse({ email: 'bob@EXAMPLE.com ', password: goodPassword })
    expect(login.email).toBe(signUp.email)
  })

  it('takes any non-empty password up to 1024 characters (old passwords may predate the rules)', () => {
    expect(credentialsBody.safeParse({ email: 'bob@example.com', password: 'x' }).success).toBe(true)
    expect(credentialsBody.safeParse({ email: 'bob@example.com', password: '' }).success).toBe(false)
    expect(credentialsBody.safeParse({ email: 'bob@example.com', password: 'x'.repeat(1025) }).success).toBe(false)
  })
})

describe('toPublicUser', () => {
  it('keeps only id and email', () => {
    expect(toPublicUser({ id: 'u1', email: 'a@b.co', passwordHash: 'secret' } as { id: string, email: string })).toStrictEqual({ id: 'u1', email: 'a@b.co' })
  })
})
