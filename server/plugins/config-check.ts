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
  if (problems.length > 0) {
    const message = `Cannot start: the server is not configured.\n${problems.map(p => `  - ${p}`).join('\n')}\nSee .env.example and README.md (Configuration).`
    if (import.meta.dev) throw new Error(message)
    console.error(message)
    process.exit(1)
  }

  // Credentials are looked up now, not on the first request: say where they come from, or stop. The
  // chain's instance-metadata probe gives up within about 2 s on a machine that has none.
  const credentials = useStorageCredentials()
  credentials.ready().then(
    c => console.info(`[storage] Storage credentials: ${describeCredentialSource(credentials.kind, c)}`),
    (error: Error) => {
      // `nuxt dev` keeps running (the developer fixes .env and it reloads); a production server stops.
      console.error(`${import.meta.dev ? 'Storage will not work' : 'Cannot start'}: ${missingCredentialsMessage(error.message)}\nSee README.md (Production).`)
      if (!import.meta.dev) process.exit(1)
    },
  )
})
