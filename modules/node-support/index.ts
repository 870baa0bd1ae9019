import { defineNuxtModule, useLogger } from '@nuxt/kit'

// `nuxt dev` on Node 20: the AWS SDK warns (process.emitWarning) that its releases after the first week of
// January 2027 need Node ≥ 22. Node prints warnings through console.error, which nuxi's logger labels
// ERROR. Say it once here as the warning it is, and turn off only that one SDK message (its own documented
// switch, inherited by the Nitro worker), not warnings in general. On Node ≥ 22 the SDK says nothing.
export const SDK_MIN_NODE = 22

export function nodeSupportWarning(version: string): string | undefined {
  const major = Number(/^v?(\d+)/.exec(version)?.[1])
  if (!(major < SDK_MIN_NODE)) return undefined
  return `Node ${version}: AWS SDK for JavaScript releases after the first week of January 2027 need Node ${SDK_MIN_NODE} or later, `
    + 'and Node 20 is past its end of life. This project is tested on Node 20, 22 and 24: move to 22 or 24.'
}

export default defineNuxtModule({
  meta: { name: 'node-support' },
  setup(_options, nuxt) {
    if (!nuxt.options.dev || nuxt.options._prepare) return
    const warning = nodeSupportWarning(process.version)
    if (!warning) return
    useLogger('node-support').warn(warning)
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  },
})
