import { describe, expect, it } from 'vitest'
import { contentDisposition, servedContentType } from '../../../server/utils/content-disposition'
import { prng, randomName, SEED, TYPES } from '../../helpers/signing'

describe('contentDisposition', () => {
  /** The two filename parameters of a header this module wrote. */
  function parse(header: string) {
    const match = /^(inline|attachment); filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9\-._~%]*)$/.exec(header)
    if (!match) throw new Error(`unexpected Content-Disposition: ${header}`)
    return { disposition: match[1], fallback: match[2]!, extended: match[3]! }
  }

  it('gives an ASCII fallback with accents dropped and an RFC 5987 filename*', () => {
    expect(contentDisposition('Über café.txt', 'text/plain'))
      .toBe('inline; filename="Uber cafe.txt"; filename*=UTF-8\'\'%C3%9Cber%20caf%C3%A9.txt')
  })

  it('replaces quotes, backslashes and percent signs in the fallback', () => {
    expect(parse(contentDisposition('say "hi"\\100%.txt', 'text/plain')).fallback).toBe('say _hi__100_.txt')
  })

  it('replaces characters with no ASCII form in the fallback', () => {
    expect(parse(contentDisposition('日本 😀.pdf', 'application/pdf')).fallback).toMatch(/^_+ _+\.pdf$/)
  })

  it('falls back to "download" for an empty name', () => {
    expect(parse(contentDisposition('', 'application/pdf')).fallback).toBe('download')
  })

  it('for 1,000 random names: one printable ASCII line whose filename* decodes to the name', () => {
    const r = prng(SEED ^ 0xD15C)
    for (let i = 0; i < 1000; i++) {
      const name = randomName(r)
      const header = contentDisposition(name, r.pick(TYPES))
      const message = `seed ${SEED} (PRESIGN_TEST_SEED=${SEED}), case ${i}: ${JSON.stringify(name)}`
      expect(header, message).toMatch(/^[\x20-\x7E]+$/)
      const { fallback, extended } = parse(header)
      // An empty name is served as "download" rather than an empty filename* that clients would prefer.
      expect(decodeURIComponent(extended), message).toBe(name || 'download')
      expect(fallback, message).toMatch(/^[\x20-\x7E]+$/)
      expect(fallback, message).not.toMatch(/["\\%]/)
    }
  })

  it.each([
    'application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv', 'application/json', 'video/mp4', 'audio/ogg',
    'Text/Plain; charset=utf-8', 'IMAGE/PNG', ' application/pdf ',
  ])('is inline for %j', (type) => {
    expect(parse(contentDisposition('f', type)).disposition).toBe('inline')
  })

  it.each([
    'text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'application/javascript', 'text/javascript',
    'application/octet-stream', 'application/x-unknown', 'TEXT/HTML; charset=utf-8', 'Image/SVG+XML', '', 'foo', 'text/plainx', 'image/png2',
  ])('is attachment for %j', (type) => {
    expect(parse(contentDisposition('f', type)).disposition).toBe('attachment')
  })
})

describe('servedContentType', () => {
  it.each([
    ['application/pdf', 'application/pdf'],
    ['text/plain; charset=utf-8', 'text/plain; charset=utf-8'],
    ['IMAGE/PNG', 'IMAGE/PNG'],
    [' image/png ', 'image/png'],
    ['text/plain;\tcharset=utf-8', 'text/plain;\tcharset=utf-8'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ])('keeps the well-formed type %j', (type, served) => {
    expect(servedContentType(type)).toBe(served)
  })

  it.each([
    '', 'foo', 'text/html\r\nX: y', '../../x', 'text/', '/plain', 'text/pl ain', 'text/plain/x', '"text/plain"',
    'text/plain; charset=utf-8\r\nX-Injected: 1', 'text/plain;\u0000',
  ])('serves the malformed type %j as application/octet-stream', (type) => {
    expect(servedContentType(type)).toBe('application/octet-stream')
  })
})
