// Scheduled hourly (nuxt.config.ts, nitro.scheduledTasks): sessions that can no longer be used and throttle
// counters whose window has ended are deleted, so neither table grows with time. Safe on every instance at once.
export default defineTask({
  meta: { name: 'auth:cleanup', description: 'Delete ended sessions and expired throttle counters' },
  async run() {
    const [sessions, throttles] = await Promise.all([deleteEndedSessions(), deleteExpiredThrottles()])
    return { result: { sessions, throttles } }
  },
})
