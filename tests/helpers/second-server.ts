import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { outputDir } from './paths'

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

/**
 * Another production server process (`node .output/server/index.mjs`) with `env`, as a second instance next
 * to the one @nuxt/test-utils started. Resolves once it listens; `stop()` ends it.
 */
export async function startSecondServer(env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(process.execPath, [`${outputDir}/server/index.mjs`], {
    env: { PATH: process.env.PATH!, NODE_ENV: 'production', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`second server did not start:\n${output}`)), 20_000)
    const onData = (data: Buffer) => {
      output += data
      if (/Listening on/.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', code => reject(new Error(`second server exited (${code}):\n${output}`)))
  })
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    output: () => output,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill()
    }),
  }
}
