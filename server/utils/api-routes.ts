// Which methods each /api path serves, worked out once from Nitro's route list. h3's router lets a request
// whose method a path does not serve fall through to the page renderer (a 302 to /login and HTML); with this
// table such requests get a 405 naming the allowed methods instead.

export interface RouteEntry {
  route: string
  method?: string
  middleware?: boolean
}

export interface ApiRouteTable {
  /** Methods the path serves, upper case and sorted (HEAD wherever GET is); undefined for a path no route names. */
  allowed(path: string): string[] | undefined
}

/**
 * The table for the /api routes among `entries`. Catch-alls (`**`) are left out: they stand for "no such
 * route", which keeps its 404. A route without a method serves every method, so its paths never get a 405.
 */
export function apiRouteTable(entries: RouteEntry[]): ApiRouteTable {
  const routes = new Map<string, { pattern: RegExp, methods: Set<string> | 'any' }>()
  for (const entry of entries) {
    if (entry.middleware || !entry.route.startsWith('/api/') || entry.route.includes('**')) continue
    let route = routes.get(entry.route)
    if (!route) routes.set(entry.route, route = { pattern: routePattern(entry.route), methods: new Set() })
    if (!entry.method) route.methods = 'any'
    else if (route.methods !== 'any') route.methods.add(entry.method.toUpperCase())
  }
  const list = [...routes.values()]
  // A path either matches no route or the same few: remember each answer for the paths seen, up to a bound.
  const cache = new Map<string, string[] | undefined>()
  return {
    allowed(path) {
      const known = cache.get(path)
      if (known || cache.has(path)) return known
      let methods: Set<string> | undefined
      for (const route of list) {
        if (!route.pattern.test(path)) continue
        if (route.methods === 'any') return undefined
        methods ??= new Set()
        for (const m of route.methods) methods.add(m)
      }
      if (methods?.has('GET')) methods.add('HEAD')
      const answer = methods ? [...methods].sort() : undefined
      if (cache.size < 1000 && !/\d/.test(path)) cache.set(path, answer) // paths with ids are too many to keep
      return answer
    },
  }
}

/** `/api/users/:user_id/chats` → a regular expression for the paths h3's router sends there. */
function routePattern(route: string): RegExp {
  const source = route.split('/').map(segment =>
    segment.startsWith(':') || segment === '*' ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  ).join('/')
  return new RegExp(`^${source}/?$`)
}
