// Scheduled (nuxt.config.ts, nitro.scheduledTasks): uploads never completed go, and objects whose rows
// are gone but that storage did not confirm deleted (it was down, or the process stopped) are retried.
export default defineTask({
  meta: { name: 'storage:sweep', description: 'Remove stale uploads and objects whose rows are gone' },
  async run() {
    const result = await sweepStorage(usePrisma(), useS3Client(), useS3Settings().bucket, useUploadLimits().pendingTtl)
    return { result }
  },
})
