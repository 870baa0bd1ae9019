import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from '../prisma/migrate'
import { startLocalS3 } from '../modules/local-services/s3'
import type { GetChatFilesResponse } from '../shared/types/api'
import { runMicro } from './micro'
import { runQueryBench } from './queries'
import { committedStatements, createDatabase, seedChat, withClient } from './lib/database'
import { cannon, peakExtraRss, roundTrips, sideBySide } from './lib/load'
import type { Target } from './lib/load'
import { cleanup, cleanups, pinLoadGenerator, pinning, rssMB, run, waitIdle } from './lib/processes'
import { checks, pairedRatio, report, VARIANTS } from './lib/report'
import type { Cell, Encoded, Results, Run, Variant } from './lib/report'
import { startServer } from './lib/server'
import type { BenchServer } from './lib/server'

// `npm run bench`: the chat files endpoint next to a naive peer and a floor, in one run, on this machine.
// Builds the app with the two comparison routes (bench build only, into bench/.output), starts it on a
// fresh PostgreSQL database and a local S3 server, seeds chats of 0 … 10,000 files, and measures with
// autocannon. Writes bench/results.json and prints the tables and the targets. Everything it starts is
// stopped again, on failure and on Ctrl-C too.
//
// BENCH_RUNS (1) repeats the measurements that many times on the same server and reports each run;
// BENCH_SKIP_BUILD=1 reuses bench/.output; BENCH_CELL_SECONDS (5), BENCH_ROUNDS (11) and BENCH_SOAK_SECONDS (60)
// set the durations; BENCH_NO_PIN=1 leaves CPU placement to the kernel; BENCH_CPU_PROF=<dir> runs the server
// under `node --cpu-prof`, and BENCH_PROFILE=<endpoint|naive|floor>:<files>[:<connections>] then only loads
// that one route for 20 s; BENCH_COMPARE=<files>[:<connections>] only measures the endpoint against the floor
// at that chat size (BENCH_ROUNDS rounds) and prints each round's ratio.

const root = fileURLToPath(new URL('..', import.meta.url))
const outputDir = join(root, 'bench/.output')
const resultsFile = join(root, 'bench/results.json')
const RUNS = Number(process.env.BENCH_RUNS) || 1
const CELL_SECONDS = Number(process.env.BENCH_CELL_SECONDS) || 5
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 11
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS) || 60
const SOAK_WARMUP_SECONDS = 10
const FILE_COUNTS = [0, 10, 100, 1000, 10_000] as const
const URL_TTL = 900

const startedAt = Date.now()
const log = (line: string) => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${line}`)

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

async function main() {
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, platform: `${process.platform} ${process.arch}` }
  const placement = pinning ? `server on core ${pinning.server}, load generator on core ${pinning.load}, PostgreSQL unpinned` : 'no CPU pinning'
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${placement}`)

  if (process.env.BENCH_SKIP_BUILD && existsSync(join(outputDir, 'server/index.mjs'))) {
    log('reusing bench/.output (BENCH_SKIP_BUILD)')
  }
  else {
    log('building the benchmark build into bench/.output (log: bench/build.log)')
    await run(process.execPath, ['node_modules/nuxt/bin/nuxt.mjs', 'build', '--envName', 'bench'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, logFile: join(root, 'bench/build.log') })
  }

  const databaseUrl = await createDatabase()
  await migrate(databaseUrl)
  const s3Dir = await mkdtemp(join(tmpdir(), 'chat-files-bench-s3-'))
  cleanups.push(() => rm(s3Dir, { recursive: true, force: true }))
  const s3 = await startLocalS3({ directory: s3Dir, bucket: 'bench-bucket' })
  cleanups.push(() => s3.stop())

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NUXT_SESSION_PASSWORD: randomBytes(32).toString('hex'),
    NUXT_S3_ENDPOINT: s3.endpoint,
    NUXT_S3_PUBLIC_ENDPOINT: '',
    NUXT_S3_BUCKET: s3.bucket,
    NUXT_S3_ACCESS_KEY_ID: s3.accessKeyId,
    NUXT_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    NUXT_S3_FORCE_PATH_STYLE: 'true',
    NUXT_S3_REGION: 'us-east-1',
    NUXT_S3_URL_TTL: String(URL_TTL),
  }
  const server = await startServer({ root, outputDir, env })
  log(`server on ${server.base} (pids ${server.pids().join(', ')})`)
  pinLoadGenerator()

  const { cookie, paths } = await seed(server.base, databaseUrl)
  await checkAlike(server.base, paths, cookie)
  log('the endpoint, the naive peer and the floor give the same files, fields and URLs')

  const target = (v: Variant, files: number, headers: Record<string, string> = {}): Target => ({ url: server.base + paths[v](files), headers: { cookie, ...headers } })

  // Profiling mode: one variant and file count under load for a while, nothing else (with BENCH_CPU_PROF).
  if (process.env.BENCH_PROFILE) {
    const [variant, files, connections = '50'] = process.env.BENCH_PROFILE.split(':') as [Variant, string, string?]
    log(`profiling mode: ${variant}, ${files} files, ${connections} connections, 20 s`)
    const t = target(variant, Number(files))
    const r = await cannon(t.url, Number(connections), 20, t.headers)
    log(`${(r.requests.total / r.duration).toFixed(1)} req/s`)
    return 0
  }

  // Comparison mode: endpoint and floor side by side at one chat size, each round's ratio printed, nothing else.
  if (process.env.BENCH_COMPARE) {
    const [files, connections = 50, withNaive] = process.env.BENCH_COMPARE.split(':').map(Number) as [number, number?, number?]
    const targets: Record<string, Target> = { endpoint: target('endpoint', files), floor: target('floor', files) }
    if (withNaive) targets.naive = target('naive', files)
    const m = await sideBySide(server, targets, { connections: Number(connections), seconds: CELL_SECONDS, rounds: ROUNDS })
    const [endpoint, floor] = [m.endpoint!, m.floor!]
    log(`${files} files, ${connections} conn: endpoint ÷ floor per round ${endpoint.roundRps.map((rps, i) => (rps / floor.roundRps[i]!).toFixed(3)).join(', ')}; median ${pairedRatio(endpoint, floor).toFixed(3)}`)
    log(`CPU ms/request: endpoint ${endpoint.cpuMsPerRequest.toFixed(3)}, floor ${floor.cpuMsPerRequest.toFixed(3)}`)
    return 0
  }

  log('query micro-benchmark: the listing statement through Prisma and on a plain pg Pool')
  const queries = await runQueryBench(databaseUrl, paths.userId, paths.chats[100]!, paths.chats[0]!, line => log(line))

  const runs: Run[] = []
  for (let i = 0; i < RUNS; i++) {
    log(`— run ${i + 1} of ${RUNS} —`)
    runs.push(await measure(server, target, databaseUrl))
    for (const t of runs.at(-1)!.targets) log(`${t.pass ? 'pass' : 'FAIL'}  ${t.name}: ${t.value.toFixed(2)} (${t.limit})`)
  }
  await server.stop()

  const cluster = await measureCluster(env, paths, cookie)

  const results: Results = {
    date: new Date().toISOString(),
    machine,
    settings: { cellSeconds: CELL_SECONDS, rounds: ROUNDS, soakSeconds: SOAK_SECONDS, urlTtl: URL_TTL, fileCounts: FILE_COUNTS, pinning: placement },
    queries,
    runs,
    cluster,
    totalSeconds: Math.round((Date.now() - startedAt) / 1000),
  }
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\n${report(results)}`)
  log(`done in ${results.totalSeconds} s; results in bench/results.json`)
  return runs.every(r => r.targets.every(t => t.pass)) ? 0 : 2
}

type Paths = Record<Variant, (files: number) => string> & { userId: string, chats: Record<number, number> }

/** A user through the API, their chats straight into the database, then a login for the cookie. */
async function seed(base: string, databaseUrl: string) {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`
  const password = 'bench-password-123'
  const signUp = (address: string) => fetch(`${base}/api/auth/sign-up`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: address, password }) })
  const res = await signUp(email)
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
  const { user } = await res.json() as { user: { id: string } }
  const { user: otherUser } = await (await signUp(`other-${email}`)).json() as { user: { id: string } }
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
  const paths: Paths = {
    endpoint: n => `/api/users/${user.id}/chats/${chats[n]}/files`,
    naive: n => `/api/_bench/naive/users/${user.id}/chats/${chats[n]}/files`,
    floor: n => `/api/_bench/floor/users/${user.id}/chats/${chats[n]}/files`,
    userId: user.id,
    chats,
  }
  return { cookie, paths }
}

/** One run: every measurement and its targets. */
async function measure(server: BenchServer, target: (v: Variant, files: number, headers?: Record<string, string>) => Target, databaseUrl: string): Promise<Run> {
  log('micro-benchmark: µs per presigned URL')
  const micro = await runMicro(line => log(line))

  const http: Cell[] = []
  const plan: { files: number, connections: number, seconds: number, rounds: number }[] = []
  for (const files of FILE_COUNTS) {
    if (files === 10_000) plan.push({ files, connections: 1, seconds: CELL_SECONDS * 3, rounds: 1 })
    else for (const connections of [1, 50]) plan.push({ files, connections, seconds: CELL_SECONDS, rounds: files <= 100 && connections === 50 ? ROUNDS : 1 })
  }
  for (const { files, connections, seconds, rounds } of plan) {
    // Endpoint and floor in paired rounds; the naive peer in rounds of its own, so that the garbage and the
    // database work its heavy requests leave behind land on neither side of the pair.
    const measured = {
      ...await sideBySide(server, { endpoint: target('endpoint', files), floor: target('floor', files) }, { connections, seconds, rounds }),
      ...await sideBySide(server, { naive: target('naive', files) }, { connections, seconds, rounds: Math.min(rounds, 2) }),
    }
    for (const v of VARIANTS) {
      const cell: Cell = { files, connections, variant: v, ...measured[v] }
      http.push(cell)
      log(`${String(files).padStart(5)} files, ${String(connections).padStart(2)} conn, ${v.padEnd(8)}: ${cell.rps.toFixed(1).padStart(7)} req/s, p50 ${cell.latencyMs.p50} ms, p99 ${cell.latencyMs.p99} ms, ${cell.cpuMsPerRequest.toFixed(2)} CPU ms/req, RSS ≤ ${cell.rssMaxMB.toFixed(0)} MB`)
    }
  }

  log('database round trips per request (statements committed, 3,000 requests at 10 files)')
  const trips = {
    endpoint: await roundTrips(target('endpoint', 10), 3000, () => committedStatements(databaseUrl)),
    floor: await roundTrips(target('floor', 10), 3000, () => committedStatements(databaseUrl)),
  }
  log(`endpoint ${trips.endpoint.toFixed(3)}, floor ${trips.floor.toFixed(3)} round trips per request`)

  log('bytes on the wire: the endpoint uncompressed, gzip and br')
  const encodings: Encoded[] = []
  for (const files of [10, 100, 10_000]) {
    for (const encoding of ['identity', 'gzip', 'br'] as const) {
      const t = target('endpoint', files, { 'accept-encoding': encoding })
      const res = await fetch(t.url, { headers: t.headers })
      const got = res.headers.get('content-encoding') ?? 'identity'
      // Node's fetch decodes the body; the bytes on the wire are what the server sent.
      const body = Buffer.from(await res.arrayBuffer())
      const bytes = got === 'identity' ? body.length : Number(res.headers.get('content-length')) || await wireBytes(t)
      const m = (await sideBySide(server, { only: t }, { connections: 1, seconds: files === 10_000 ? CELL_SECONDS * 3 : CELL_SECONDS, rounds: 1 })).only
      encodings.push({ files, asked: encoding, sent: got, bytes, cpuMsPerRequest: m.cpuMsPerRequest, rps: m.rps })
      log(`${String(files).padStart(5)} files, asked ${encoding.padEnd(8)} got ${got.padEnd(8)}: ${bytes} bytes, ${m.cpuMsPerRequest.toFixed(2)} CPU ms/req`)
    }
  }
  const cost = await sideBySide(server, { identity: target('endpoint', 100, { 'accept-encoding': 'identity' }), br: target('endpoint', 100, { 'accept-encoding': 'br' }) }, { connections: 50, seconds: CELL_SECONDS, rounds: 5 })
  log(`100 files, 50 conn: ${cost.br.rps.toFixed(0)} req/s with br, ${cost.identity.rps.toFixed(0)} without`)

  log('memory: extra peak RSS of serving one 10,000-file response')
  const memory = await peakExtraRss(server, target('endpoint', 10_000).url, { ...target('endpoint', 10_000).headers, 'accept-encoding': 'identity' })
  log(`${memory.extraMB.toFixed(1)} MB for a ${memory.responseMB.toFixed(1)} MB response`)

  log(`soak: the endpoint at 100 files, 50 connections, ${SOAK_WARMUP_SECONDS} s warm-up then ${SOAK_SECONDS} s`)
  await waitIdle(server.pids)
  const t = target('endpoint', 100)
  await cannon(t.url, 50, SOAK_WARMUP_SECONDS, t.headers)
  const soakRss: number[] = []
  const sampler = setInterval(() => soakRss.push(rssMB(server.pids())), 1000)
  cleanups.push(() => clearInterval(sampler))
  const soakResult = await cannon(t.url, 50, SOAK_SECONDS, t.headers)
  clearInterval(sampler)
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const first10 = avg(soakRss.slice(0, 10))
  const last10 = avg(soakRss.slice(-10))
  const soak = { files: 100, connections: 50, rps: soakResult.requests.total / soakResult.duration, rssMB: soakRss.map(x => +x.toFixed(1)), first10AvgMB: first10, last10AvgMB: last10, ratio: last10 / first10 }
  log(`soak: ${soak.rps.toFixed(0)} req/s; RSS first 10 s ${first10.toFixed(1)} MB, last 10 s ${last10.toFixed(1)} MB`)

  const partial = { micro, http, roundTrips: trips, encodings, compressionCost: cost, memory, soak }
  return { ...partial, targets: checks(partial) }
}

/** Bytes of a compressed response as sent, counted on a raw HTTP/1.1 exchange (no decoding). */
async function wireBytes(t: Target): Promise<number> {
  const { request } = await import('node:http')
  return new Promise((resolve, reject) => {
    const req = request(t.url, { headers: t.headers }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => { bytes += chunk.length })
      res.on('end', () => resolve(bytes))
    })
    req.on('error', reject)
    req.end()
  })
}

/**
 * All cores: the same build with one worker process and with one per core (Nitro's node-cluster preset),
 * neither pinned, the load generator still on its own core. On a 2-core machine the workers share the cores
 * with PostgreSQL and the load generator, so this shows the cost of the cluster, not what more cores give.
 */
async function measureCluster(env: NodeJS.ProcessEnv, paths: Paths, cookie: string): Promise<Results['cluster']> {
  const out: Results['cluster'] = []
  for (const workers of [1, cpus().length]) {
    const server = await startServer({ root, outputDir, env, workers, pin: false })
    log(`cluster: ${workers} worker${workers > 1 ? 's' : ''}, unpinned (pids ${server.pids().join(', ')})`)
    for (const files of [0, 100]) {
      const m = (await sideBySide(server, { endpoint: { url: server.base + paths.endpoint(files), headers: { cookie } } }, { connections: 50, seconds: CELL_SECONDS, rounds: 3 })).endpoint
      out.push({ workers, files, connections: 50, rps: m.rps, p50: m.latencyMs.p50, p99: m.latencyMs.p99 })
      log(`${workers} worker(s), ${files} files, 50 conn: ${m.rps.toFixed(1)} req/s (CPU ${m.cpuMsPerRequest.toFixed(2)} ms/req)`)
    }
    await server.stop()
  }
  return out
}

/** The three answer alike: same files, same fields, and URLs for the same object with the same overrides. */
async function checkAlike(base: string, paths: Paths, cookie: string) {
  for (const n of FILE_COUNTS) {
    const bodies = {} as Record<Variant, GetChatFilesResponse>
    for (const v of VARIANTS) {
      const res = await fetch(base + paths[v](n), { headers: { cookie } })
      const text = await res.text()
      if (res.status !== 200) throw new Error(`${v} with ${n} files answered ${res.status}: ${text.slice(0, 200)}`)
      bodies[v] = JSON.parse(text) as GetChatFilesResponse
    }
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
    for (const v of VARIANTS) {
      const missing = await fetch(base + paths[v](n).replace(`/chats/${paths.chats[n]}/`, '/chats/2147483647/'), { headers: { cookie } })
      if (missing.status !== 404) throw new Error(`${v}: a missing chat answered ${missing.status}`)
    }
  }
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
