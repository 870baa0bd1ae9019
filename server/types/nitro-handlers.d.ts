// Nitro's list of server handlers (routes, methods, middleware), generated at build time. Internal to Nitro:
// server/middleware/api-guard.ts reads it to know which methods each /api path serves, and
// server/routes/_openapi.json.get.ts to document the same 405s.
declare module '#nitro-internal-virtual/server-handlers' {
  export const handlers: { route: string, handler: unknown, lazy: boolean, middleware: boolean, method?: string }[]
}
