// Pages need a session; without one, go to /login and come back afterwards.
export default defineNuxtRouteMiddleware((to) => {
  const { loggedIn } = useUserSession()
  if (to.path === '/login' || to.path === '/sign-up' || loggedIn.value) return
  return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
})
