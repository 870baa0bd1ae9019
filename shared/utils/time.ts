// Times as file views show them: "just now", "5 minutes ago", "yesterday", then the date; the exact time on hover.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [['minute', 60], ['hour', 3600], ['day', 86_400]]

/** A short relative time for `date` as seen at `now` (both ms or Date); dates over a week old are shown as dates. */
export function formatRelativeTime(date: Date | string | number, now: Date | number, locale = 'en', timeZone?: string): string {
  const then = new Date(date).getTime()
  const seconds = Math.round((Number(now) - then) / 1000)
  if (Math.abs(seconds) < 45) return 'just now'
  if (Math.abs(seconds) < 7 * 86_400) {
    const [unit, size] = UNITS.findLast(([, s]) => Math.abs(seconds) >= s * 0.75) ?? UNITS[0]!
    return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-Math.round(seconds / size), unit)
  }
  const sameYear = new Date(then).getUTCFullYear() === new Date(Number(now)).getUTCFullYear()
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric', timeZone }).format(then)
}

/** The full date and time, with the time zone named. */
export function formatExactTime(date: Date | string | number, locale = 'en', timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(date))
}
