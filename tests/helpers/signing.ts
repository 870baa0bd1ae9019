import type { S3Settings } from '../../server/utils/storage'

// Shared by the signing tests: AWS's published presigning example and seeded random inputs.

// AWS's published example (/work/shared/spec/aws-sigv4-presign-example.md)
export const example = {
  settings: {
    endpoint: '',
    publicEndpoint: 'https://s3.amazonaws.com',
    region: 'us-east-1',
    bucket: 'examplebucket',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    forcePathStyle: false,
    urlTtl: 900,
  } satisfies S3Settings,
  signingDate: new Date('2013-05-24T00:00:00Z'),
  expiresIn: 86400,
  signature: 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
  url: 'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
}


// A fresh seed each run explores new inputs; PRESIGN_TEST_SEED=<seed> replays a reported failure.
export const SEED = process.env.PRESIGN_TEST_SEED !== undefined
  ? Number(process.env.PRESIGN_TEST_SEED) >>> 0
  : (Math.random() * 2 ** 32) >>> 0

/** mulberry32: small, fast, good enough to drive test inputs. */
export function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!
  const chars = (pool: readonly string[], min: number, max: number) => Array.from({ length: int(min, max) }, () => pick(pool)).join('')
  return { next, int, pick, chars, chance: (p: number) => next() < p }
}
export type Rng = ReturnType<typeof prng>

export const split = (s: string) => [...s]
export const ALNUM = split('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')
export const KEY_SPECIALS = split(' !\'()*+&=%~-_.?#[]@$,;:"<>^`{|}\\')
// Accents (precomposed and combining), other scripts, astral characters (emoji, math), invisible ones.
export const UNICODE = ['é', 'Ü', 'ß', 'ñ', 'Ω', 'ж', '中', '文', 'ア', '한', 'ع', 'ש', 'e\u0301', '\u00a0', '\u200d', '😀', '🎉', '👩‍💻', '𝔘', 'ﬁ', '€']
export const NAME_SPECIALS = split(' "\'\\%;,=*()[]{}<>/?#&+!@$^`|~')
export const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-west-3', 'eu-central-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1', 'ca-central-1', 'af-south-1', 'me-south-1']
export const HOSTS = ['storage.example.com', 'objects.example.net', 's3.internal.example.org', 'cdn-1.example.io']
export const TYPES = [
  'application/pdf', 'text/plain', 'text/plain; charset=utf-8', 'Text/Plain; Charset="UTF-8"', 'image/png', 'IMAGE/JPEG',
  'image/webp', ' image/gif ', 'video/mp4', 'audio/mpeg', 'text/csv', 'application/json',
  'text/html', 'text/html; charset=utf-8', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/javascript',
  'text/javascript', 'application/octet-stream', 'application/x-unknown', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '', 'foo', 'text/html\r\nX: y', '../../x', 'image/png; name="a b"',
]

export function randomKey(r: Rng): string {
  const segments = Array.from({ length: r.int(1, 5) }, () => {
    if (r.chance(0.04)) return r.pick(['', '.', '..'])
    return r.chars(r.pick([ALNUM, ALNUM, KEY_SPECIALS, UNICODE, [...ALNUM, ...KEY_SPECIALS, ...UNICODE]]), 1, 12)
  })
  return segments.join('/')
}

export function randomName(r: Rng): string {
  const base = r.chars([...ALNUM, ...ALNUM, ...NAME_SPECIALS, ...UNICODE], 0, 24)
  return r.chance(0.7) ? `${base}.${r.pick(['pdf', 'txt', 'png', 'tar.gz', 'html', 'ÿ'])}` : base
}

export function randomBucket(r: Rng, dotsAllowed: boolean): string {
  const inner = dotsAllowed ? [...split('abcdefghijklmnopqrstuvwxyz0123456789'), '-', '.'] : [...split('abcdefghijklmnopqrstuvwxyz0123456789'), '-']
  const edge = split('abcdefghijklmnopqrstuvwxyz0123456789')
  return r.pick(edge) + r.chars(inner, 1, 20).replace(/\.(?=\.)/g, 'x') + r.pick(edge)
}

export function randomSecret(r: Rng): string {
  return r.chance(0.7)
    ? r.chars([...ALNUM, '+', '/'], 40, 40)
    : r.chars(split('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'), 1, 64)
}
