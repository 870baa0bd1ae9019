import { describe, expect, it } from 'vitest'
import { fileKind, formatBytes, hasThumbnail, previewKind } from '../../../shared/utils/files'

describe('formatBytes', () => {
  it('uses binary units throughout, bytes as B', () => {
    expect([0, 1, 601, 1023].map(formatBytes)).toEqual(['0 B', '1 B', '601 B', '1023 B'])
    expect([1024, 1843, 10 * 1024, 1024 * 1024 - 1].map(formatBytes)).toEqual(['1 KiB', '1.8 KiB', '10 KiB', '1 MiB'])
    expect([25 * 1024 * 1024, 1.5 * 1024 ** 3, 3 * 1024 ** 4].map(formatBytes)).toEqual(['25 MiB', '1.5 GiB', '3 TiB'])
  })

  it('never shows 1024 of a unit or a negative size', () => {
    expect(formatBytes(1024 * 1024 - 10)).toBe('1 MiB')
    expect(formatBytes(-5)).toBe('0 B')
    expect(formatBytes(Number.NaN)).toBe('0 B')
  })
})

describe('file kinds', () => {
  it('groups types as people filter them', () => {
    expect(['image/png', 'application/pdf', 'text/plain; charset=utf-8', 'audio/mpeg', 'video/mp4', 'application/zip', 'application/x-foo'].map(fileKind))
      .toEqual(['image', 'pdf', 'text', 'audio', 'video', 'archive', 'file'])
  })

  it('makes thumbnails of raster images only, and previews only what the browser shows safely', () => {
    expect(hasThumbnail('image/jpeg')).toBe(true)
    expect(hasThumbnail('image/svg+xml')).toBe(false)
    expect(previewKind('image/svg+xml')).toBeNull()
    expect(previewKind('text/html')).toBeNull()
    expect(['image/png', 'application/pdf', 'text/plain', 'audio/ogg', 'video/webm'].map(previewKind)).toEqual(['image', 'pdf', 'text', 'audio', 'video'])
  })
})
