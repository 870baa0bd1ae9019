// Unknown /api paths answer in the API's error shape instead of falling through to the page renderer.
export default defineEventHandler(() => {
  throw createError({ statusCode: 404, statusMessage: 'Not Found', data: { message: 'No such API route' } })
})
