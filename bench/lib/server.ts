import { spawn } from 'node:child_process'
import { createWriteStream, existsSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { cleanups, freePort, onServerCore, processTree, stopProcess } from './processes'

// The production server of the bench build (Nitro's node-cluster preset: a primary that hands connections
// to NITRO_CLUSTER_WORKERS worker processes).

export interface BenchServer {
  base: string
  /** The primary and its workers. */
  pids(): number[]
  stop(): Promise<void>
}

export interface ServerOptions {
  root: string
  outputDir: string
  env: NodeJS.ProcessEnv
  /** Worker processes (1: one process serves, as a node-server build would). */
  workers?: number
  /** Pin to the server's core (see `pinning`); a cluster of several workers is left unpinned. */
  pin?: boolean
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name)
  }
  catch {} // already gone
}

export async function startServer({ root, outputDir, env, workers = 1, pin = workers === 1 }: ServerOptions): Promise<BenchServer> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const cpuProf = process.env.BENCH_CPU_PROF
  const out = createWriteStream(join(root, 'bench/server.log'), { flags: 'a' })
  const [command, args] = onServerCore(process.execPath, [...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []), join(outputDir, 'server/index.mjs')], pin)
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), NITRO_CLUSTER_WORKERS: String(workers) },
  })
  child.stdout!.pipe(out)
  child.stderr!.pipe(out)
  // The primary first (it then stops replacing workers that exit), then each worker shuts down on its own
  // (so `--cpu-prof` writes its profile); anything still there after the grace period is killed.
  const stop = async () => {
    const workers = processTree(child.pid!).slice(1)
    child.kill('SIGTERM')
    for (const pid of workers) signal(pid, 'SIGTERM')
    await stopProcess(child)
    const alive = (pid: number) => existsSync(`/proc/${pid}`)
    for (let i = 0; workers.some(alive) && i < 100; i++) await sleep(100)
    for (const pid of workers.filter(alive)) signal(pid, 'SIGKILL')
  }
  cleanups.push(stop)
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}); see bench/server.log`)
    if (await fetch(`${base}/api/upload-limits`).then(res => res.ok, () => false)) break
    if (i > 300) throw new Error('the server did not start within 30 s; see bench/server.log')
    await sleep(100)
  }
  // Every worker listening: as many processes below the primary as asked for.
  for (let i = 0; processTree(child.pid!).length < workers + 1 && i < 100; i++) await sleep(100)
  return {
    base,
    pids: () => processTree(child.pid!),
    async stop() {
      cleanups.splice(cleanups.indexOf(stop), 1)
      await stop()
    },
  }
}
