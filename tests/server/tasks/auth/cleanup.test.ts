import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { outputDir } from '../../../helpers/paths'

// What the task deletes is tested with its functions (tests/server/utils/sessions.test.ts, throttle.test.ts).
describe('task auth:cleanup', () => {
  it('is built into the production server and scheduled hourly', async () => {
    const nitro = await readFile(`${outputDir}/server/chunks/nitro/nitro.mjs`, 'utf8')
    expect(nitro).toMatch(/"17 \* \* \* \*"[^\]]*auth:cleanup/)
    expect(nitro).toMatch(/"auth:cleanup": \{[^}]*meta: \{[^}]*description:/)
  })
})
