// One clock for every relative time on the page. The server renders with its own time in UTC; once the app is
// mounted the browser takes over with its time zone and a tick each half minute, so hydration always matches.
let ticking = false

export function useClock() {
  const now = useState('clock:now', () => Date.now())
  const local = useState('clock:local', () => false)
  if (import.meta.client && !ticking) {
    ticking = true
    useNuxtApp().hook('app:mounted', () => {
      local.value = true
      now.value = Date.now()
      setInterval(() => { now.value = Date.now() }, 30_000)
    })
  }
  /** The browser's time zone once mounted, UTC on the server and while hydrating. */
  const timeZone = computed(() => (local.value ? undefined : 'UTC'))
  return { now, timeZone }
}
