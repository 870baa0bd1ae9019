import { describe, expect, it } from 'vitest'
import { formatExactTime, formatRelativeTime } from '../../../shared/utils/time'

describe('formatRelativeTime', () => {
  const now = Date.UTC(2026, 10, 24, 12, 0, 0)
  it('says how long ago, in words', () => {
    expect(formatRelativeTime(now - 10_000, now)).toBe('just now')
    expect(formatRelativeTime(now - 5 * 60_000, now)).toBe('5 minutes ago')
    expect(formatRelativeTime(now - 3 * 3600_000, now)).toBe('3 hours ago')
    expect(formatRelativeTime(now - 26 * 3600_000, now)).toBe('yesterday')
    expect(formatRelativeTime(now - 3 * 86_400_000, now)).toBe('3 days ago')
  })

  it('shows older dates as dates, with the year only when it differs', () => {
    expect(formatRelativeTime(Date.UTC(2026, 0, 5, 12), now, 'en', 'UTC')).toBe('Jan 5')
    expect(formatRelativeTime(Date.UTC(2024, 0, 5, 12), now, 'en', 'UTC')).toBe('Jan 5, 2024')
  })

  it('gives the exact time with its zone', () => {
    expect(formatExactTime(now, 'en', 'UTC')).toBe('Nov 24, 2026, 12:00 PM UTC')
  })
})
