// Unknown /api paths answer 404 in the API's error shape instead of falling through to the page renderer.
// Not in the OpenAPI document: it stands for "no such route" (modules/openapi leaves catch-alls out).
export default defineEventHandler(() => {
  throw noSuchApiRoute()
})
