import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CHECKSUM_ALGORITHMS, checksumClaim, checksumOf, createChecksum, DIGEST_BYTES, errorXml, isRefusal } from './checksums'

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')

describe('checksums', () => {
  it('match the published check values of each algorithm', async () => {
    // The CRC catalogue's check input "123456789"; FIPS 180's "abc" for the SHAs.
    expect(await checksumOf('crc32', '123456789')).toBe(b64('cbf43926'))
    expect(await checksumOf('crc32c', '123456789')).toBe(b64('e3069283'))
    expect(await checksumOf('crc64nvme', '123456789')).toBe(b64('ae8b14860a799888'))
    expect(await checksumOf('sha1', 'abc')).toBe(b64('a9993e364706816aba3e25717850c26c9cd0d89d'))
    expect(await checksumOf('sha256', 'abc')).toBe(b64('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'))
    // The value the SDK signs into a presigned PUT when it has no body: the CRC32 of nothing.
    expect(await checksumOf('crc32', '')).toBe('AAAAAA==')
  })

  it('give the same digest fed in pieces as in one go, over several MiB', async () => {
    const body = randomBytes(5 * 1024 * 1024 + 7)
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const pieces = createChecksum(algorithm)
      for (let at = 0; at < body.length;) {
        const next = Math.min(body.length, at + 1 + Math.floor(Math.random() * 200_000))
        pieces.update(body.subarray(at, next))
        at = next
      }
      const whole = await checksumOf(algorithm, body)
      expect(await pieces.digest()).toBe(whole)
      expect(Buffer.from(whole, 'base64')).toHaveLength(DIGEST_BYTES[algorithm])
      // One changed bit changes the digest.
      const flipped = Buffer.from(body)
      flipped[body.length >> 1]! ^= 1
      expect(await checksumOf(algorithm, flipped)).not.toBe(whole)
    }
  })
})

describe('checksumClaim', () => {
  const none = new URLSearchParams()

  it('reads a header or a query parameter (a presigned URL\'s hoisted header), or finds none', () => {
    expect(checksumClaim({ 'x-amz-checksum-sha256': b64('00'.repeat(32)) }, none)).toEqual({ algorithm: 'sha256', value: b64('00'.repeat(32)) })
    expect(checksumClaim({}, new URLSearchParams('x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32'))).toEqual({ algorithm: 'crc32', value: 'AAAAAA==' })
    expect(checksumClaim({ 'content-type': 'text/plain', 'x-amz-checksum-mode': 'ENABLED', 'x-amz-checksum-algorithm': 'CRC32' }, none)).toBeNull()
  })

  it('refuses as S3 does: two algorithms, a malformed or wrong-length value, a disagreeing SDK algorithm', () => {
    const cases: [Record<string, string>, URLSearchParams, string, RegExp][] = [
      [{ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-sha1': b64('00'.repeat(20)) }, none, 'InvalidRequest', /Multiple checksum Types/],
      [{ 'x-amz-checksum-crc32': 'AAAAAA==' }, new URLSearchParams(`x-amz-checksum-sha256=${b64('00'.repeat(32))}`), 'InvalidRequest', /Multiple checksum Types/],
      [{ 'x-amz-checksum-crc32': 'not base64!' }, none, 'InvalidRequest', /x-amz-checksum-crc32 header is invalid/],
      [{ 'x-amz-checksum-crc32': b64('0000000000') }, none, 'InvalidRequest', /invalid/],
      [{ 'x-amz-checksum-sha256': 'AAAAAA==' }, none, 'InvalidRequest', /invalid/],
      [{ 'x-amz-checksum-crc32c': 'AAAAAA==', 'x-amz-sdk-checksum-algorithm': 'CRC32' }, none, 'InvalidRequest', /x-amz-sdk-checksum-algorithm/],
      [{ 'x-amz-checksum-crc32': 'AAAAAA==' }, new URLSearchParams('x-amz-checksum-crc32=AAAAAQ%3D%3D'), 'BadDigest', /CRC32 you specified did not match/],
    ]
    for (const [headers, query, code, message] of cases) {
      const claim = checksumClaim(headers, query)
      expect(isRefusal(claim) && claim).toMatchObject({ status: 400, code, message: expect.stringMatching(message) })
    }
  })

  it('writes S3\'s XML error document', () => {
    const xml = errorXml({ status: 400, code: 'BadDigest', message: 'The SHA256 you specified did not match the calculated checksum.' }, '/bucket/a&b', 'ABC')
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>BadDigest</Code><Message>The SHA256 you specified did not match the calculated checksum.</Message><Resource>/bucket/a&#38;b</Resource><RequestId>ABC</RequestId></Error>')
  })
})
