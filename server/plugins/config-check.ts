// Refuse to start with missing or invalid settings, naming all of them at once, instead of failing on
// the first request. Embedded parts exist only in `nuxt dev` (modules/local-services), never here.
export default defineNitroPlugin(() => {
  const config = useRuntimeConfig()
  const problems = configProblems(
    config.s3,
    { ...config.session, idleTimeout: config.sessionIdleTimeout },
    process.env.DATABASE_URL,
    config.upload,
    { origin: config.origin, trustedProxies: config.trustedProxies, jsonBodyLimit: config.jsonBodyLimit },
    config.throttle,
  )
  if (problems.length === 0) return
  const message = `Cannot start: the server is not configured.\n${problems.map(p => `  - ${p}`).join('\n')}\nSee .env.example and README.md (Configuration).`
  if (import.meta.dev) throw new Error(message)
  console.error(message)
  process.exit(1)
})
