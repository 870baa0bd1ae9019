// The documented route files under server/api, generated at build time by modules/openapi.
declare module '#api-route-files' {
  export const version: string
  export const routes: import('../utils/openapi').ApiRouteFile[]
}
