// Pages need a session; without one, go to /login and come back afterwards. The API reference is public.
const publicPaths = ['/login', '/sign-up', '/api-reference']

export default defineNuxtRouteMiddleware((to) => {
  const { loggedIn } = useUserSession()
  if (publicPaths.includes(to.path) || loggedIn.value) return
  return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
})
