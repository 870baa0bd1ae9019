// File rules both sides apply: the server enforces them, the web UI checks them before any byte moves.

/** Whether `type` matches the allow-list (`image/*` style wildcards; an empty list allows every type). */
export function isTypeAllowed(type: string, allowedTypes: string | string[]): boolean {
  const list = Array.isArray(allowedTypes) ? allowedTypes : allowedTypes.split(',')
  const allowed = list.map(t => t.trim().toLowerCase()).filter(Boolean)
  if (allowed.length === 0) return true
  const t = type.split(';', 1)[0]!.trim().toLowerCase()
  return allowed.some(a => a === t || (a.endsWith('/*') && t.startsWith(a.slice(0, -1))))
}

/** Sizes as people read them: 1023 bytes, 1 KiB, 25 MiB, 1.5 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  if (unit === 0) return bytes === 1 ? '1 byte' : `${bytes} bytes`
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}
