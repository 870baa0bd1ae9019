import { fetch } from './app'

// The OpenAPI document the built app serves, and which of its operations answers a concrete request: the
// way h3's router picks (a static segment before a parameter, and a path whose static route lacks the method
// falls back to a parameter route that has it, as …/files/uploads does to …/files/{file_id}).

export type Json = Record<string, any>

export async function fetchOpenApiDocument(): Promise<Json> {
  const res = await fetch('/_openapi.json')
  if (res.status !== 200) throw new Error(`/_openapi.json answered ${res.status}: ${await res.text()}`)
  return await res.json() as Json
}

export interface Located {
  /** The operation that handles the request, or undefined when its path serves no such method (a 405). */
  operation?: Json
  /** `METHOD /template` of that operation, or of the path's operations for a 405. */
  name: string
  /** Operations of every documented path the request's path matches. */
  siblings: Json[]
}

/** Where `method pathname` lands in the document; undefined for a path no documented route matches. */
export function locate(doc: Json, method: string, pathname: string): Located | undefined {
  const m = (method === 'HEAD' ? 'GET' : method).toLowerCase()
  const matching = Object.entries<Json>(doc.paths)
    .filter(([template]) => new RegExp(`^${template.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}/?$`).test(pathname))
    // Most static segments first: the router tries those before parameters.
    .sort(([a], [b]) => a.split('{').length - b.split('{').length)
  if (matching.length === 0) return undefined
  const siblings = matching.flatMap(([, item]) => Object.values<Json>(item))
  const handled = matching.find(([, item]) => item[m])
  return handled
    ? { operation: handled[1][m], name: `${m.toUpperCase()} ${handled[0]}`, siblings }
    : { name: `${method} ${matching[0]![0]}`, siblings }
}

/**
 * The status is documented for the request: on its operation, or, for a method the path does not serve,
 * as the 405 of every operation of the path. True for paths the document does not cover (no such route).
 */
export function isDocumented(doc: Json, method: string, pathname: string, status: number): { documented: boolean, name: string } {
  const at = locate(doc, method, pathname)
  if (!at) return { documented: true, name: `${method} ${pathname} (no documented route)` }
  const statuses = at.operation ? [Object.keys(at.operation.responses)] : at.siblings.map(op => Object.keys(op.responses))
  return { documented: statuses.every(list => list.includes(String(status))), name: at.name }
}
