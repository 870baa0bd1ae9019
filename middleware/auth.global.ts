// Pages need a session; without one, go to /login and come back afterwards. The API reference is public.
const publicPaths = ['/login', '/sign-up', '/api-reference']

export default defineNuxtRouteMiddleware((to) => {
  const { loggedIn } = useUserSession()
  // A path no page answers is a 404 for everyone: signing in would not make it exist.
  if (publicPaths.includes(to.path) || loggedIn.value || to.matched.length === 0) return
  return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
})
