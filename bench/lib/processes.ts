import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createWriteStream, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'

// Processes the bench starts, and what it reads of them from /proc: CPU time, resident memory, CPU pinning.

/** Cleanups run in reverse order on success, failure and Ctrl-C alike. */
export const cleanups: (() => unknown)[] = []
let cleaning: Promise<void> | undefined

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      try {
        await cleanups.pop()!()
      }
      catch (error) {
        console.error('cleanup failed:', error)
      }
    }
  })()
  return cleaning
}

/** Runs a command to completion, its output into `logFile`; rejects on a non-zero exit. */
export function run(command: string, args: string[], options: { cwd: string, env?: NodeJS.ProcessEnv, logFile: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(options.logFile)
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    const stop = () => child.kill('SIGTERM')
    cleanups.push(stop)
    child.stdout.pipe(out)
    child.stderr.pipe(out)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      cleanups.splice(cleanups.indexOf(stop), 1)
      out.end()
      if (code === 0) resolve()
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}); see ${options.logFile}`))
    })
  })
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

export async function stopProcess(child: ChildProcess, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  if (await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) return
  child.kill('SIGKILL')
  await exited
}

/** The process and its descendants (a cluster's workers), by /proc's children lists. */
export function processTree(pid: number): number[] {
  const all = [pid]
  for (let i = 0; i < all.length; i++) {
    try {
      const children = readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, 'utf8').trim()
      if (children) all.push(...children.split(/\s+/).map(Number))
    }
    catch {}
  }
  return all
}

/** CPU time (user + system, clock ticks of 10 ms) the processes have used. */
export function cpuTicks(pids: number[]): number {
  let ticks = 0
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    }
    catch {} // the process is gone
  }
  return ticks
}

/** Resident memory of the processes together, MB. */
export function rssMB(pids: number[]): number {
  let kB = 0
  for (const pid of pids) {
    try {
      kB += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
    }
    catch {}
  }
  return kB / 1024
}

/** Waits until the processes have finished what earlier runs left them (requests still in flight after a run stopped). */
export async function waitIdle(pids: () => number[], maxMs = 180_000) {
  const deadline = Date.now() + maxMs
  let quiet = 0
  let last = cpuTicks(pids())
  while (Date.now() < deadline && quiet < 2) {
    await sleep(200)
    const now = cpuTicks(pids())
    // Under 10% of one core over 200 ms.
    quiet = now - last <= 2 ? quiet + 1 : 0
    last = now
  }
}

/**
 * CPU pinning: with at least two cores and `taskset` at hand, the server gets core 0 and the bench itself
 * (the load generator) core 1, so that they do not take turns on one core. PostgreSQL is left to the kernel.
 */
export const pinning = (() => {
  if (cpus().length < 2 || process.env.BENCH_NO_PIN) return null
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return { server: '0', load: '1' }
  }
  catch {
    return null
  }
})()

/** Moves this process (autocannon runs in it) to the load generator's core. */
export function pinLoadGenerator() {
  if (pinning) execFileSync('taskset', ['-a', '-p', '-c', pinning.load, String(process.pid)], { stdio: 'ignore' })
}

/** The command line that starts `args` on the server's core (or as is, without pinning). */
export function onServerCore(command: string, args: string[], pin = true): [string, string[]] {
  return pinning && pin ? ['taskset', ['-c', pinning.server, command, ...args]] : [command, args]
}
