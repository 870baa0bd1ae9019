import { describe, expect, it } from 'vitest'
import { nodeSupportWarning, SDK_MIN_NODE } from '../../modules/node-support'

describe('nodeSupportWarning', () => {
  it('warns on Node 20, where the AWS SDK stops being updated in January 2027', () => {
    expect(nodeSupportWarning('v20.20.2')).toMatch(/^Node v20\.20\.2: AWS SDK for JavaScript releases after the first week of January 2027 need Node 22 or later/)
  })

  it.each(['v22.23.3', 'v24.21.0', 'v26.0.0'])('says nothing on %s (neither does the SDK)', (version) => {
    expect(nodeSupportWarning(version)).toBeUndefined()
  })

  it('agrees with the SDK\'s own threshold', async () => {
    const { readFile } = await import('node:fs/promises')
    const { createRequire } = await import('node:module')
    const source = await readFile(createRequire(import.meta.url).resolve('@aws-sdk/core/client'), 'utf8')
    expect(source).toContain('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED')
    expect(source).toMatch(new RegExp(`const vv = ${SDK_MIN_NODE};`))
  })
})
