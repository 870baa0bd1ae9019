import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import pg from 'pg'
import { migrate } from '../prisma/migrate'
import { startLocalS3 } from '../modules/local-services/s3'
import type { GetChatFilesResponse } from '../shared/types/api'
import { runMicro } from './micro'
import type { MicroResult } from './micro'
import { runQueryBench } from './queries'

// `npm run bench`: the chat files endpoint next to a naive peer and a floor, in one run, on this machine.
// Builds the app with the two comparison routes (bench build only, into bench/.output), starts it on a
// fresh PostgreSQL database and a local S3 server, seeds chats of 0 … 10,000 files, and measures with
// autocannon. Writes bench/results.json and prints a table and the targets. Everything it starts is
// stopped again, on failure and on Ctrl-C too.
//
// BENCH_SKIP_BUILD=1 reuses bench/.output; BENCH_CELL_SECONDS (5) and BENCH_SOAK_SECONDS (60) set the
// durations; BENCH_CPU_PROF=<dir> runs the server under `node --cpu-prof` and writes its profile there,
// and BENCH_PROFILE=<endpoint|naive|floor>:<files>[:<connections>] then only loads that one route for 20 s.

const root = fileURLToPath(new URL('..', import.meta.url))
const outputDir = join(root, 'bench/.output')
const resultsFile = join(root, 'bench/results.json')
const CELL_SECONDS = Number(process.env.BENCH_CELL_SECONDS) || 5
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS) || 60
const SOAK_WARMUP_SECONDS = 10
const FILE_COUNTS = [0, 10, 100, 1000, 10_000] as const
const VARIANTS = ['endpoint', 'naive', 'floor'] as const
type Variant = typeof VARIANTS[number]
const URL_TTL = 900

const startedAt = Date.now()
const cleanups: (() => unknown)[] = []
let cleaning: Promise<void> | undefined

function cleanup(): Promise<void> {
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

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping everything the bench started`)
    void cleanup().finally(() => process.exit(130))
  })
}

for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.once(event, (error) => {
    console.error(`${event}:`, error)
    void cleanup().finally(() => process.exit(1))
  })
}

const log = (line: string) => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)}s] ${line}`)

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv, logFile: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(options.logFile)
    const child = spawn(command, args, { cwd: root, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
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

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

async function stopProcess(child: ChildProcess, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  if (await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) return
  child.kill('SIGKILL')
  await exited
}

/** CPU time (user + system, clock ticks) the process has used. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function rssMB(pid: number): number {
  try {
    const kB = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return kB ? Number(kB[1]) / 1024 : Number.NaN
  }
  catch {
    return Number.NaN // the process is gone
  }
}

/** Waits until the server has finished what earlier runs left it (requests still in flight after autocannon stopped). */
async function waitIdle(pid: number, maxMs = 180_000) {
  const deadline = Date.now() + maxMs
  let quiet = 0
  let last = cpuTicks(pid)
  while (Date.now() < deadline && quiet < 2) {
    await sleep(200)
    const now = cpuTicks(pid)
    // Under 10% of one core (ticks are 1/100 s) over 200 ms.
    quiet = now - last <= 2 ? quiet + 1 : 0
    last = now
  }
}

// ---------------------------------------------------------------------------------------------
// Database
// ---------------------------------------------------------------------------------------------

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  }
  finally {
    await client.end()
  }
}

async function createDatabase(): Promise<string> {
  const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres'
  const name = `chat_files_bench_${randomBytes(4).toString('hex')}`
  await withClient(serverUrl, c => c.query(`CREATE DATABASE "${name}"`))
  cleanups.push(() => withClient(serverUrl, c => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

const TYPES = ['application/pdf', 'image/png', 'text/plain; charset=utf-8', 'text/html', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']

/** A chat of `userId` with `count` completed files (rows only: listing never touches the objects) and one pending upload. */
async function seedChat(client: pg.Client, userId: string, count: number): Promise<number> {
  const { rows: [chat] } = await client.query<{ id: number }>('INSERT INTO chat_conversation (user_id, name) VALUES ($1, $2) RETURNING id', [userId, `Bench chat with ${count} files`])
  await client.query(`
    INSERT INTO chat_conversation_file (chat_conversation_id, name, size, type, object_key, created_at)
    SELECT $1::int,
      CASE WHEN i % 3 = 0 THEN 'Grüße – Bericht ' || i || ' ☕.pdf' ELSE 'quarterly report ' || i || '.pdf' END,
      (i * 7919) % 25000000, ($3::text[])[1 + i % 5], 'chats/' || $1::int || '/' || gen_random_uuid(),
      timestamptz '2025-01-01 00:00:00Z' + (i / 2) * interval '1 second'
    FROM generate_series(1, $2::int) AS i`, [chat!.id, count, TYPES])
  await client.query(`INSERT INTO chat_conversation_file (chat_conversation_id, name, size, type, object_key, completed_at)
    VALUES ($1::int, 'pending upload.bin', 1, 'application/octet-stream', 'chats/' || $1::int || '/' || gen_random_uuid(), NULL)`, [chat!.id])
  return chat!.id
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

interface Cell {
  files: number
  connections: number
  variant: Variant
  seconds: number
  requests: number
  rps: number
  latencyMs: { p50: number, p99: number, mean: number }
  rssMaxMB: number
}

export interface Results {
  date: string
  machine: { cpu: string, cores: number, memoryGB: number, node: string, platform: string }
  settings: { cellSeconds: number, soakSeconds: number, soakWarmupSeconds: number, urlTtl: number, fileCounts: readonly number[] }
  micro: Record<string, MicroResult>
  queries: Awaited<ReturnType<typeof runQueryBench>>
  responseBytes: Record<string, number>
  http: Cell[]
  soak: { files: number, connections: number, rps: number, rssMB: number[], first10AvgMB: number, last10AvgMB: number, ratio: number }
  gcDiagnostic: { nodeOptions: string, meanMs: Record<number, number>, perFileUs: Record<number, number>, ratio: number }
  targets: { name: string, value: number, limit: string, pass: boolean }[]
  totalSeconds: number
}

async function main() {
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, platform: `${process.platform} ${process.arch}` }
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`)

  if (process.env.BENCH_SKIP_BUILD && existsSync(join(outputDir, 'server/index.mjs'))) {
    log('reusing bench/.output (BENCH_SKIP_BUILD)')
  }
  else {
    log('building the benchmark build into bench/.output (log: bench/build.log)')
    await run(process.execPath, ['node_modules/nuxt/bin/nuxt.mjs', 'build', '--envName', 'bench'], { env: { ...process.env, NODE_ENV: 'production' }, logFile: join(root, 'bench/build.log') })
  }

  log('micro-benchmark: µs per presigned URL')
  const micro = await runMicro(line => log(line))

  const databaseUrl = await createDatabase()
  await migrate(databaseUrl)
  const s3Dir = await mkdtemp(join(tmpdir(), 'chat-files-bench-s3-'))
  cleanups.push(() => rm(s3Dir, { recursive: true, force: true }))
  const s3 = await startLocalS3({ directory: s3Dir, bucket: 'bench-bucket' })
  cleanups.push(() => s3.stop())

  const sessionPassword = randomBytes(32).toString('hex')
  /** The production server of the bench build; `nodeOptions` adds V8 flags (the GC diagnostic below). */
  async function startServer(nodeOptions = '') {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const cpuProf = process.env.BENCH_CPU_PROF
    const out = createWriteStream(join(root, 'bench/server.log'), { flags: 'a' })
    const child = spawn(process.execPath, [...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []), join(outputDir, 'server/index.mjs')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_OPTIONS: [process.env.NODE_OPTIONS, nodeOptions].filter(Boolean).join(' '),
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        NUXT_SESSION_PASSWORD: sessionPassword,
        NUXT_S3_ENDPOINT: s3.endpoint,
        NUXT_S3_PUBLIC_ENDPOINT: '',
        NUXT_S3_BUCKET: s3.bucket,
        NUXT_S3_ACCESS_KEY_ID: s3.accessKeyId,
        NUXT_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        NUXT_S3_FORCE_PATH_STYLE: 'true',
        NUXT_S3_REGION: 'us-east-1',
        NUXT_S3_URL_TTL: String(URL_TTL),
      },
    })
    child.stdout!.pipe(out)
    child.stderr!.pipe(out)
    const stop = () => stopProcess(child)
    cleanups.push(stop)
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}); see bench/server.log`)
      if (await fetch(`${base}/api/_auth/session`).then(() => true, () => false)) break
      if (i > 300) throw new Error('the server did not start within 30 s; see bench/server.log')
      await sleep(100)
    }
    log(`server (pid ${child.pid}${nodeOptions ? `, ${nodeOptions}` : ''}) on ${base}`)
    return {
      base,
      pid: child.pid!,
      async stop() {
        cleanups.splice(cleanups.indexOf(stop), 1)
        await stop()
      },
    }
  }
  await rm(join(root, 'bench/server.log'), { force: true })
  const server = await startServer()
  const { base, pid } = server

  // A user through the API, their chats straight into the database, then a login for the cookie.
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`
  const password = 'bench-password-123'
  const signUp = await fetch(`${base}/api/auth/sign-up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status} ${await signUp.text()}`)
  const { user } = await signUp.json() as { user: { id: string } }
  const other = await fetch(`${base}/api/auth/sign-up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `other-${email}`, password }) })
  const { user: otherUser } = await other.json() as { user: { id: string } }
  const chats = await withClient(databaseUrl, async (client) => {
    const ids: Record<number, number> = {}
    for (const n of FILE_COUNTS) ids[n] = await seedChat(client, user.id, n)
    // Someone else's chats with files: the owner-scoped queries must skip them.
    await seedChat(client, otherUser.id, 1000)
    await client.query('ANALYZE')
    return ids
  })
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`)
  const cookie = login.headers.getSetCookie().find(c => c.startsWith('neptun-session='))!.split(';', 1)[0]!
  log(`seeded chats of ${FILE_COUNTS.join(', ')} files; logged in`)

  const paths: Record<Variant, (n: number) => string> = {
    endpoint: n => `/api/users/${user.id}/chats/${chats[n]}/files`,
    naive: n => `/api/_bench/naive/users/${user.id}/chats/${chats[n]}/files`,
    floor: n => `/api/_bench/floor/users/${user.id}/chats/${chats[n]}/files`,
  }

  // The three answer alike: same files, same fields, and URLs for the same object with the same overrides.
  const responseBytes: Record<string, number> = {}
  for (const n of FILE_COUNTS) {
    const bodies = {} as Record<Variant, GetChatFilesResponse>
    for (const v of VARIANTS) {
      const res = await fetch(base + paths[v](n), { headers: { cookie } })
      const text = await res.text()
      if (res.status !== 200) throw new Error(`${v} with ${n} files answered ${res.status}: ${text.slice(0, 200)}`)
      if (v === 'endpoint') responseBytes[n] = Buffer.byteLength(text)
      bodies[v] = JSON.parse(text) as GetChatFilesResponse
    }
    checkAlike(n, bodies)
    for (const v of VARIANTS) {
      const missing = await fetch(base + paths[v](n).replace(`/chats/${chats[n]}/`, '/chats/2147483647/'), { headers: { cookie } })
      if (missing.status !== 404) throw new Error(`${v}: a missing chat answered ${missing.status}`)
    }
  }
  log('the endpoint, the naive peer and the floor give the same files, fields and URLs')

  // Profiling mode: one variant and file count under load for a while, nothing else (with BENCH_CPU_PROF).
  if (process.env.BENCH_PROFILE) {
    const [variant, files, connections = '50'] = process.env.BENCH_PROFILE.split(':') as [Variant, string, string?]
    log(`profiling mode: ${variant}, ${files} files, ${connections} connections, 20 s`)
    const r = await autocannon({ url: base + paths[variant](Number(files)), connections: Number(connections), duration: 20, headers: { cookie }, timeout: 120 })
    log(`${(r.requests.total / r.duration).toFixed(1)} req/s`)
    return 0
  }

  log('query micro-benchmark: findChatFilesInSession (Prisma) vs one raw pg query')
  const queries = await runQueryBench(databaseUrl, user.id, chats[100]!, chats[0]!, line => log(line))

  // RSS of the server, every 500 ms for the whole run.
  const rssSamples: { t: number, mb: number }[] = []
  const sampler = setInterval(() => rssSamples.push({ t: Date.now(), mb: rssMB(pid) }), 500)
  cleanups.push(() => clearInterval(sampler))

  const headers = { cookie }
  async function cannon(v: Variant, files: number, connections: number, seconds: number, at = base) {
    const result = await autocannon({ url: at + paths[v](files), connections, duration: seconds, headers, timeout: 120 })
    if (result.non2xx || result.errors || result.timeouts) {
      throw new Error(`${v}, ${files} files, ${connections} connections: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`)
    }
    return result
  }

  const http: Cell[] = []
  const plan: { files: number, connections: number, seconds: number }[] = []
  for (const files of FILE_COUNTS) {
    if (files === 10_000) plan.push({ files, connections: 1, seconds: CELL_SECONDS * 3 })
    else for (const connections of [1, 50]) plan.push({ files, connections, seconds: CELL_SECONDS })
  }
  for (const { files, connections, seconds } of plan) {
    for (const variant of VARIANTS) {
      await waitIdle(pid)
      await cannon(variant, files, connections, 1) // warm-up, not counted
      await waitIdle(pid)
      const from = Date.now()
      const r = await cannon(variant, files, connections, seconds)
      const during = rssSamples.filter(s => s.t >= from).map(s => s.mb)
      const cell: Cell = {
        files,
        connections,
        variant,
        seconds: r.duration,
        requests: r.requests.total,
        rps: r.requests.total / r.duration,
        latencyMs: { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean },
        rssMaxMB: Math.max(...during),
      }
      http.push(cell)
      log(`${String(files).padStart(5)} files, ${String(connections).padStart(2)} conn, ${variant.padEnd(8)}: ${cell.rps.toFixed(1).padStart(7)} req/s, p50 ${cell.latencyMs.p50} ms, p99 ${cell.latencyMs.p99} ms, RSS ≤ ${cell.rssMaxMB.toFixed(0)} MB`)
    }
  }

  // The endpoint for SOAK_SECONDS at 100 files, RSS every second.
  await waitIdle(pid)
  log(`soak: the endpoint at 100 files, 50 connections, ${SOAK_WARMUP_SECONDS} s warm-up then ${SOAK_SECONDS} s`)
  await cannon('endpoint', 100, 50, SOAK_WARMUP_SECONDS)
  const soakRss: number[] = []
  const soakSampler = setInterval(() => soakRss.push(rssMB(pid)), 1000)
  cleanups.push(() => clearInterval(soakSampler))
  const soakResult = await cannon('endpoint', 100, 50, SOAK_SECONDS)
  clearInterval(soakSampler)
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const first10 = avg(soakRss.slice(0, 10))
  const last10 = avg(soakRss.slice(-10))
  const soak = { files: 100, connections: 50, rps: soakResult.requests.total / soakResult.duration, rssMB: soakRss.map(x => +x.toFixed(1)), first10AvgMB: first10, last10AvgMB: last10, ratio: last10 / first10 }
  log(`soak: ${soak.rps.toFixed(0)} req/s; RSS first 10 s ${first10.toFixed(1)} MB, last 10 s ${last10.toFixed(1)} MB`)

  // GC diagnostic: per-file time at 10,000 vs 1,000 files again, on a server whose young generation can
  // hold a whole 10,000-file request (--max-semi-space-size=64): shows how much of the growth is promotion
  // of long-lived request data to the old generation.
  clearInterval(sampler)
  await server.stop()
  const semiSpace = await startServer('--max-semi-space-size=64')
  const gcDiagnostic: Results['gcDiagnostic'] = { nodeOptions: '--max-semi-space-size=64', meanMs: {}, perFileUs: {}, ratio: 0 }
  for (const files of [0, 1000, 10_000]) {
    await waitIdle(semiSpace.pid)
    await cannon('endpoint', files, 1, 1, semiSpace.base)
    await waitIdle(semiSpace.pid)
    const r = await cannon('endpoint', files, 1, files === 10_000 ? CELL_SECONDS * 3 : CELL_SECONDS, semiSpace.base)
    gcDiagnostic.meanMs[files] = r.latency.mean
  }
  for (const files of [1000, 10_000]) gcDiagnostic.perFileUs[files] = (gcDiagnostic.meanMs[files]! - gcDiagnostic.meanMs[0]!) / files * 1000
  gcDiagnostic.ratio = gcDiagnostic.perFileUs[10_000]! / gcDiagnostic.perFileUs[1000]!
  await semiSpace.stop()
  log(`GC diagnostic (${gcDiagnostic.nodeOptions}): per-file ${gcDiagnostic.perFileUs[1000]!.toFixed(1)} µs at 1,000, ${gcDiagnostic.perFileUs[10_000]!.toFixed(1)} µs at 10,000 files (×${gcDiagnostic.ratio.toFixed(2)})`)

  const results: Results = {
    date: new Date().toISOString(),
    machine,
    settings: { cellSeconds: CELL_SECONDS, soakSeconds: SOAK_SECONDS, soakWarmupSeconds: SOAK_WARMUP_SECONDS, urlTtl: URL_TTL, fileCounts: FILE_COUNTS },
    micro,
    queries,
    responseBytes,
    http,
    soak,
    gcDiagnostic,
    targets: [],
    totalSeconds: 0,
  }
  results.targets = targets(results)
  results.totalSeconds = Math.round((Date.now() - startedAt) / 1000)
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\n${report(results)}`)
  log(`done in ${results.totalSeconds} s; results in bench/results.json`)
  return results.targets.every(t => t.pass) ? 0 : 2
}

function checkAlike(n: number, bodies: Record<Variant, GetChatFilesResponse>) {
  const strip = (url: string) => {
    const u = new URL(url)
    // The SDK adds parameters of its own (payload hash, checksum mode, operation id); they change no file or override.
    for (const p of ['X-Amz-Date', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Content-Sha256', 'x-amz-checksum-mode', 'x-id']) u.searchParams.delete(p)
    u.searchParams.sort()
    return u.toString()
  }
  const fields = (b: GetChatFilesResponse) => b.chatFiles.map(({ url, ...rest }) => ({ ...rest, url: strip(url) }))
  const want = JSON.stringify(fields(bodies.endpoint))
  if (bodies.endpoint.chatFiles.length !== n) throw new Error(`the endpoint listed ${bodies.endpoint.chatFiles.length} of ${n} files`)
  for (const v of ['naive', 'floor'] as const) {
    if (JSON.stringify(fields(bodies[v])) !== want) throw new Error(`${v} and the endpoint differ for ${n} files`)
  }
  // The floor signs the very same canonical request: its URLs match the endpoint's byte for byte but for the signing time.
  const exact = (url: string) => url.replace(/X-Amz-Date=\d{8}T\d{6}Z/, '').replace(/X-Amz-Credential=[^&]+/, '').replace(/X-Amz-Signature=[0-9a-f]{64}/, '')
  bodies.floor.chatFiles.forEach((f, i) => {
    if (exact(f.url) !== exact(bodies.endpoint.chatFiles[i]!.url)) throw new Error(`floor URL differs: ${f.url} vs ${bodies.endpoint.chatFiles[i]!.url}`)
  })
}

function cellOf(r: Results, variant: Variant, files: number, connections: number): Cell {
  const cell = r.http.find(c => c.variant === variant && c.files === files && c.connections === connections)
  if (!cell) throw new Error(`no cell ${variant}/${files}/${connections}`)
  return cell
}

/** Per-file cost of the endpoint at `files` (1 connection): mean latency above the empty chat's, per file. */
function perFileMs(r: Results, files: number) {
  return (cellOf(r, 'endpoint', files, 1).latencyMs.mean - cellOf(r, 'endpoint', 0, 1).latencyMs.mean) / files
}

function targets(r: Results): Results['targets'] {
  const presign = r.micro.presigner!.usPerUrl / r.micro.rawFloor!.usPerUrl
  const presignToken = r.micro.presignerToken!.usPerUrl / r.micro.rawFloorToken!.usPerUrl
  const vsFloor = cellOf(r, 'endpoint', 100, 50).rps / cellOf(r, 'floor', 100, 50).rps
  const vsNaive = cellOf(r, 'endpoint', 100, 50).rps / cellOf(r, 'naive', 100, 50).rps
  const growth = perFileMs(r, 10_000) / perFileMs(r, 1000)
  return [
    { name: 'presigning a URL cold ÷ raw floor (µs/URL)', value: presign, limit: '≤ 3', pass: presign <= 3 },
    { name: 'the same with a session token ÷ raw floor with it', value: presignToken, limit: '≤ 3', pass: presignToken <= 3 },
    { name: 'endpoint ÷ floor throughput, 100 files, 50 conn', value: vsFloor, limit: '≥ 0.7', pass: vsFloor >= 0.7 },
    { name: 'endpoint ÷ naive throughput, 100 files, 50 conn', value: vsNaive, limit: '≥ 5', pass: vsNaive >= 5 },
    { name: 'per-file time at 10,000 ÷ at 1,000 files (linear = 1)', value: growth, limit: '≤ 1.25', pass: growth <= 1.25 },
    { name: `RSS last 10 s ÷ first 10 s of the ${r.settings.soakSeconds} s run (flat)`, value: r.soak.ratio, limit: '0.9 – 1.1', pass: Math.abs(r.soak.ratio - 1) <= 0.1 },
  ]
}

export function report(r: Results): string {
  const lines: string[] = []
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–')
  lines.push(`Chat files benchmark, ${r.date.slice(0, 10)}: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}`)
  lines.push('')
  lines.push('| Files | Conn | Endpoint req/s | p50 / p99 ms | Naive req/s | p50 / p99 ms | Floor req/s | p50 / p99 ms | Server RSS max MB (E / N / F) |')
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  const rows = new Map<string, Cell[]>()
  for (const c of r.http) rows.set(`${c.files}/${c.connections}`, [...(rows.get(`${c.files}/${c.connections}`) ?? []), c])
  for (const cells of rows.values()) {
    const [e, n, fl] = VARIANTS.map(v => cells.find(c => c.variant === v)!)
    lines.push(`| ${e!.files.toLocaleString('en')} | ${e!.connections} | ${f(e!.rps)} | ${f(e!.latencyMs.p50)} / ${f(e!.latencyMs.p99)} | ${f(n!.rps)} | ${f(n!.latencyMs.p50)} / ${f(n!.latencyMs.p99)} | ${f(fl!.rps)} | ${f(fl!.latencyMs.p50)} / ${f(fl!.latencyMs.p99)} | ${f(e!.rssMaxMB, 0)} / ${f(n!.rssMaxMB, 0)} / ${f(fl!.rssMaxMB, 0)} |`)
  }
  lines.push('')
  lines.push('| Presigning one URL (in process) | µs |')
  lines.push('|---|---:|')
  for (const m of Object.values(r.micro)) lines.push(`| ${m.name} | ${f(m.usPerUrl, 2)} |`)
  lines.push('')
  lines.push('| One listing query (in process, sequential; chat of 100 files unless said) | µs |')
  lines.push('|---|---:|')
  for (const q of Object.values(r.queries)) lines.push(`| ${q.name} | ${f(q.us, 0)} |`)
  lines.push('')
  lines.push(`Soak: endpoint, 100 files, 50 connections, ${r.settings.soakSeconds} s: ${f(r.soak.rps, 0)} req/s; RSS ${f(r.soak.first10AvgMB)} MB (first 10 s) → ${f(r.soak.last10AvgMB)} MB (last 10 s), min ${f(Math.min(...r.soak.rssMB))}, max ${f(Math.max(...r.soak.rssMB))}`)
  lines.push('')
  const perFile = (v: Variant) => [1000, 10_000].map(n => (cellOf(r, v, n, 1).latencyMs.mean - cellOf(r, v, 0, 1).latencyMs.mean) / n * 1000)
  lines.push('Per-file time (1 connection, mean latency above the empty chat\'s), µs at 1,000 → 10,000 files:')
  for (const v of VARIANTS) {
    const [k1, k10] = perFile(v)
    lines.push(`- ${v}: ${f(k1!)} → ${f(k10!)} (×${f(k10! / k1!, 2)})`)
  }
  lines.push(`- endpoint on a server with ${r.gcDiagnostic.nodeOptions}: ${f(r.gcDiagnostic.perFileUs[1000]!)} → ${f(r.gcDiagnostic.perFileUs[10_000]!)} (×${f(r.gcDiagnostic.ratio, 2)})`)
  lines.push('')
  lines.push('| Target | Measured | Limit | |')
  lines.push('|---|---:|---|---|')
  for (const t of r.targets) lines.push(`| ${t.name} | ${f(t.value, 2)} | ${t.limit} | ${t.pass ? 'pass' : '**FAIL**'} |`)
  return lines.join('\n')
}

main().then(
  async (code) => {
    await cleanup()
    process.exit(code)
  },
  async (error) => {
    console.error(error)
    await cleanup()
    process.exit(1)
  },
)
