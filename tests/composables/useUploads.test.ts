import { createHash, randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fileSha256, MAX_HASHED_BYTES } from '../../composables/useUploads'

// The browser's half of integrity-checked uploads: the SHA-256 the page declares before its PUT.
describe('fileSha256', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('is the base64 SHA-256 S3 expects in x-amz-checksum-sha256 (what openssl dgst -sha256 -binary | base64 prints)', async () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('hello\n'), randomBytes(1024 * 1024 + 7)]) {
      expect(await fileSha256(new Blob([bytes]))).toBe(createHash('sha256').update(bytes).digest('base64'))
    }
    expect(await fileSha256(new Blob(['hello\n']))).toBe('WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=')
  })

  it('gives none outside a secure context, where browsers have no crypto.subtle: the upload goes ahead without', async () => {
    vi.stubGlobal('crypto', { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) })
    expect(await fileSha256(new Blob(['hello\n']))).toBeUndefined()
  })

  it('gives none for files too large to hash in memory', async () => {
    const huge = { size: MAX_HASHED_BYTES + 1, arrayBuffer: () => { throw new Error('must not be read') } } as unknown as Blob
    expect(await fileSha256(huge)).toBeUndefined()
  })
})
