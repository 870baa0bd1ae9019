import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isTypeAllowed } from '../../../shared/utils/files'
import { describeMismatch, MAX_NAME_LENGTH, newObjectKey, normalizeType, parseSha256, sanitizeFileName, uploadRequestBody } from '../../../server/utils/files'

describe('sanitizeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['  spaced   out\tname .txt ', 'spaced out name .txt'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['C:\\Users\\me\\file.txt', 'C:_Users_me_file.txt'],
    ['nul\u0000byte\u0007bell\u001b.txt', 'nulbytebell.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['zero\u200Bwidth.txt', 'zerowidth.txt'],
    ['line\nbreak\r.txt', 'line break .txt'],
    ['family 👨\u200D👩\u200D👧.png', 'family 👨\u200D👩\u200D👧.png'],
    ['Cafe\u0301.txt', 'Café.txt'],
    ['', 'file'],
    ['..', 'file'],
    ['\u0000\u0001', 'file'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeFileName(raw)).toBe(expected)
  })

  it('bounds the length in characters and keeps a short extension', () => {
    const long = `${'é'.repeat(400)}.tar.gz`
    const name = sanitizeFileName(long)
    expect([...name]).toHaveLength(MAX_NAME_LENGTH)
    expect(name.endsWith('.gz')).toBe(true)
    expect([...sanitizeFileName('😀'.repeat(300))]).toHaveLength(MAX_NAME_LENGTH)
  })
})

describe('normalizeType and isTypeAllowed', () => {
  it('lowercases, drops parameters, defaults to octet-stream and rejects what is not a MIME type', () => {
    expect(normalizeType('Text/Plain; charset=UTF-8')).toBe('text/plain')
    expect(normalizeType(undefined)).toBe('application/octet-stream')
    expect(normalizeType('')).toBe('application/octet-stream')
    expect(normalizeType('not a type')).toBeNull()
    expect(normalizeType('text/html\r\nx: y')).toBeNull()
  })

  it('matches exact types and wildcards; an empty list allows everything', () => {
    expect(isTypeAllowed('image/png', '')).toBe(true)
    expect(isTypeAllowed('image/png', 'image/*, application/pdf')).toBe(true)
    expect(isTypeAllowed('application/pdf', 'image/*, application/pdf')).toBe(true)
    expect(isTypeAllowed('application/pdfx', 'application/pdf')).toBe(false)
    expect(isTypeAllowed('imagex/png', 'image/*')).toBe(false)
    expect(isTypeAllowed('text/html', 'image/*,application/pdf')).toBe(false)
  })
})

describe('newObjectKey', () => {
  it('is built from the chat id and a random UUID only', () => {
    const a = newObjectKey(42)
    expect(a).toMatch(/^chats\/42\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newObjectKey(42)).not.toBe(a)
  })
})

describe('describeMismatch', () => {
  it('is null when size and type agree (type compared without parameters or case)', () => {
    expect(describeMismatch({ size: 10n, type: 'text/plain' }, { size: 10, type: 'Text/Plain; charset=utf-8' })).toBeNull()
  })
  it('names each difference', () => {
    expect(describeMismatch({ size: 3n, type: 'image/png' }, { size: 30, type: 'image/svg+xml' }))
      .toBe('30 bytes arrived, 3 were declared; type image/svg+xml arrived, image/png was declared')
  })
})

describe('uploadRequestBody', () => {
  it('accepts an empty file and refuses negative, fractional and unsafe sizes', () => {
    expect(uploadRequestBody.safeParse({ name: 'a', size: 0 }).success).toBe(true)
    for (const size of [-1, 0.5, 2 ** 53, '1', null]) expect(uploadRequestBody.safeParse({ name: 'a', size }).success).toBe(false)
  })
})

describe('parseSha256', () => {
  it('takes base64 (as S3 writes it) and hex (as sha256sum prints it), giving base64, for 1,000 random digests', () => {
    for (let i = 0; i < 1000; i++) {
      const digest = createHash('sha256').update(randomBytes(i)).digest()
      expect(parseSha256(digest.toString('base64'))).toBe(digest.toString('base64'))
      expect(parseSha256(digest.toString('hex'))).toBe(digest.toString('base64'))
      expect(parseSha256(` ${digest.toString('hex').toUpperCase()}\n`)).toBe(digest.toString('base64'))
    }
  })

  it.each([
    '', 'abc', 'g'.repeat(64), 'a'.repeat(63), 'a'.repeat(65),
    // base64 without padding, base64url, a non-canonical last character, other digest lengths
    'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg', 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg=', 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgh=',
    createHash('sha1').update('x').digest('base64'), createHash('sha512').update('x').digest('base64'), createHash('sha512').update('x').digest('hex'),
  ])('refuses %j', (value) => {
    expect(parseSha256(value)).toBeNull()
  })
})
