import { describe, expect, it } from 'vitest'
import { chooseEncoding } from '../../../server/utils/json-list'

describe('chooseEncoding', () => {
  it('prefers gzip, takes br when gzip is not accepted, and honours q=0', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('gzip')
    expect(chooseEncoding('br, gzip')).toBe('gzip')
    expect(chooseEncoding('deflate, gzip, br, zstd')).toBe('gzip')
    expect(chooseEncoding('br')).toBe('br')
    expect(chooseEncoding('BR;q=0.5')).toBe('br')
    expect(chooseEncoding('gzip;q=0, br;q=1')).toBe('br')
    expect(chooseEncoding('gzip; q=0.0, br')).toBe('br')
  })

  it('sends nothing compressed when the client accepts neither', () => {
    for (const header of [undefined, '', 'identity', 'deflate', 'zstd', 'br;q=0, gzip;q=0', '*']) expect(chooseEncoding(header)).toBeUndefined()
  })
})
