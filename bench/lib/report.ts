import type { MicroResult } from '../micro'
import type { runQueryBench } from '../queries'
import type { Measured } from './load'

// What a bench run found, the targets it checks, and the tables it prints (README's performance section).

export const VARIANTS = ['endpoint', 'naive', 'floor'] as const
export type Variant = typeof VARIANTS[number]

export interface Cell extends Measured { files: number, connections: number, variant: Variant }

/** The endpoint's response at `files` files when the client asks for `asked`; `sent` is the Content-Encoding it got. */
export interface Encoded { files: number, asked: 'identity' | 'gzip' | 'br', sent: string, bytes: number, cpuMsPerRequest: number, rps: number }

export interface Check { name: string, value: number, limit: string, pass: boolean }

export interface Run {
  micro: Record<string, MicroResult>
  http: Cell[]
  roundTrips: Record<'endpoint' | 'floor', number>
  encodings: Encoded[]
  /** The endpoint at 100 files and 50 connections, asked for br and for identity, side by side. */
  compressionCost: { identity: Measured, br: Measured }
  memory: { responseMB: number, extraMB: number, samplesMB: number[] }
  soak: { files: number, connections: number, rps: number, rssMB: number[], first10AvgMB: number, last10AvgMB: number, ratio: number }
  targets: Check[]
}

export interface Results {
  date: string
  machine: { cpu: string, cores: number, memoryGB: number, node: string, platform: string }
  settings: { cellSeconds: number, rounds: number, soakSeconds: number, urlTtl: number, fileCounts: readonly number[], pinning: string }
  queries: Awaited<ReturnType<typeof runQueryBench>>
  runs: Run[]
  cluster: { workers: number, files: number, connections: number, rps: number, p50: number, p99: number }[]
  totalSeconds: number
}

export function cellOf(run: Run, variant: Variant, files: number, connections: number): Cell {
  const cell = run.http.find(c => c.variant === variant && c.files === files && c.connections === connections)
  if (!cell) throw new Error(`no cell ${variant}/${files}/${connections}`)
  return cell
}

/** Per-file time at `files` (1 connection): mean latency above the empty chat's, per file, µs. */
export function perFileUs(run: Run, variant: Variant, files: number) {
  return (cellOf(run, variant, files, 1).latencyMs.mean - cellOf(run, variant, 0, 1).latencyMs.mean) / files * 1000
}

/** The median over rounds of a's throughput ÷ b's in the same round: each pair was measured minutes apart at most. */
export function pairedRatio(a: Measured, b: Measured): number {
  const ratios = a.roundRps.map((rps, i) => rps / b.roundRps[i]!).sort((x, y) => x - y)
  const mid = Math.floor(ratios.length / 2)
  return ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2
}

export function checks(run: Omit<Run, 'targets'>): Check[] {
  const vsFloor = (files: number) => pairedRatio(cellOf(run as Run, 'endpoint', files, 50), cellOf(run as Run, 'floor', files, 50))
  const presign = run.micro.presigner!.usPerUrl / run.micro.rawFloor!.usPerUrl
  const presignToken = run.micro.presignerToken!.usPerUrl / run.micro.rawFloorToken!.usPerUrl
  const vsNaive = cellOf(run as Run, 'endpoint', 100, 50).rps / cellOf(run as Run, 'naive', 100, 50).rps
  const growth = perFileUs(run as Run, 'endpoint', 10_000) / perFileUs(run as Run, 'endpoint', 1000)
  const memory = run.memory.extraMB / run.memory.responseMB
  const at100 = (asked: Encoded['asked']) => run.encodings.find(e => e.files === 100 && e.asked === asked)!
  const br100 = at100('br').sent === 'br' ? at100('br').bytes / at100('identity').bytes : Number.NaN
  return [
    ...[0, 10, 100].map(files => ({ name: `endpoint ÷ floor throughput, ${files} files, 50 conn (median of paired rounds)`, value: vsFloor(files), limit: '≥ 0.95', pass: vsFloor(files) >= 0.95 })),
    { name: 'database round trips per listing request, endpoint', value: run.roundTrips.endpoint, limit: '1', pass: Math.abs(run.roundTrips.endpoint - 1) < 0.02 },
    { name: 'database round trips per listing request, floor', value: run.roundTrips.floor, limit: '1', pass: Math.abs(run.roundTrips.floor - 1) < 0.02 },
    { name: 'per-file time at 10,000 ÷ at 1,000 files (default flags; linear = 1)', value: growth, limit: '≤ 1.15', pass: growth <= 1.15 },
    { name: 'extra peak RSS serving one 10,000-file response ÷ its size', value: memory, limit: '≤ 2', pass: memory <= 2 },
    { name: 'br-compressed ÷ uncompressed bytes, 100 files', value: br100, limit: '< 1', pass: br100 < 1 },
    { name: 'presigning a URL cold ÷ raw floor (µs/URL)', value: presign, limit: '≤ 2', pass: presign <= 2 },
    { name: 'the same with a session token ÷ raw floor with it', value: presignToken, limit: '≤ 2', pass: presignToken <= 2 },
    { name: 'endpoint ÷ naive throughput, 100 files, 50 conn', value: vsNaive, limit: '≥ 10', pass: vsNaive >= 10 },
    { name: 'RSS last 10 s ÷ first 10 s of the soak (flat)', value: run.soak.ratio, limit: '0.9 – 1.1', pass: Math.abs(run.soak.ratio - 1) <= 0.1 },
  ]
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–')
const n = (x: number) => x.toLocaleString('en')

export function reportRun(r: Results, run: Run, index: number): string {
  const lines: string[] = []
  lines.push(`### Run ${index + 1} of ${r.runs.length}`, '')
  lines.push('| Files | Conn | Endpoint req/s | p50 / p99 ms | Naive req/s | p50 / p99 ms | Floor req/s | p50 / p99 ms | Endpoint ÷ floor | Server RSS max MB (E / N / F) |')
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  const keys = [...new Set(run.http.map(c => `${c.files}/${c.connections}`))]
  for (const key of keys) {
    const cells = run.http.filter(c => `${c.files}/${c.connections}` === key)
    const [e, nv, fl] = (['endpoint', 'naive', 'floor'] as const).map(v => cells.find(c => c.variant === v)!)
    lines.push(`| ${n(e!.files)} | ${e!.connections} | ${f(e!.rps)} | ${f(e!.latencyMs.p50)} / ${f(e!.latencyMs.p99)} | ${f(nv!.rps)} | ${f(nv!.latencyMs.p50)} / ${f(nv!.latencyMs.p99)} | ${f(fl!.rps)} | ${f(fl!.latencyMs.p50)} / ${f(fl!.latencyMs.p99)} | ${f(pairedRatio(e!, fl!), 2)} | ${f(e!.rssMaxMB, 0)} / ${f(nv!.rssMaxMB, 0)} / ${f(fl!.rssMaxMB, 0)} |`)
  }
  lines.push('', '| Response (endpoint) | Sent as | Bytes | Server CPU ms/request | req/s (1 conn) |', '|---|---|---:|---:|---:|')
  for (const e of run.encodings) lines.push(`| ${n(e.files)} files, asking ${e.asked} | ${e.sent} | ${n(e.bytes)} | ${f(e.cpuMsPerRequest, 2)} | ${f(e.rps)} |`)
  const { identity, br } = run.compressionCost
  lines.push('', `Compression at 100 files, 50 connections: ${f(br.rps)} req/s asking for br against ${f(identity.rps)} uncompressed (×${f(br.rps / identity.rps, 2)}); server CPU ${f(br.cpuMsPerRequest, 2)} against ${f(identity.cpuMsPerRequest, 2)} ms/request.`)
  lines.push(`One 10,000-file response (${f(run.memory.responseMB, 1)} MB uncompressed) raised the server's RSS by ${f(run.memory.extraMB, 1)} MB at its peak (median of ${run.memory.samplesMB.length}: ${run.memory.samplesMB.map(x => f(x, 1)).join(', ')}).`)
  lines.push(`Per-file time (1 connection, mean latency above the empty chat's), µs at 1,000 → 10,000 files: ${(['endpoint', 'naive', 'floor'] as const).map(v => `${v} ${f(perFileUs(run, v, 1000))} → ${f(perFileUs(run, v, 10_000))}`).join('; ')}.`)
  lines.push(`Soak: endpoint, ${run.soak.files} files, ${run.soak.connections} connections, ${r.settings.soakSeconds} s: ${f(run.soak.rps, 0)} req/s; RSS ${f(run.soak.first10AvgMB)} MB (first 10 s) → ${f(run.soak.last10AvgMB)} MB (last 10 s).`)
  lines.push('', '| Presigning one URL (in process) | µs |', '|---|---:|')
  for (const m of Object.values(run.micro)) lines.push(`| ${m.name} | ${f(m.usPerUrl, 2)} |`)
  lines.push('', '| Target | Measured | Limit | |', '|---|---:|---|---|')
  for (const t of run.targets) lines.push(`| ${t.name} | ${f(t.value, 2)} | ${t.limit} | ${t.pass ? 'pass' : '**FAIL**'} |`)
  return lines.join('\n')
}

export function report(r: Results): string {
  const lines: string[] = []
  lines.push(`Chat files benchmark, ${r.date.slice(0, 10)}: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}; ${r.settings.pinning}`, '')
  lines.push('| The listing\'s statement, in process | µs, one at a time | CPU µs per call, 10 in flight |', '|---|---:|---:|')
  for (const q of Object.values(r.queries)) lines.push(`| ${q.name} | ${f(q.us, 0)} | ${f(q.cpuUs, 0)} |`)
  lines.push('')
  r.runs.forEach((run, i) => lines.push(reportRun(r, run, i), ''))
  if (r.cluster.length) {
    lines.push('| Workers (node-cluster) | Files | Conn | req/s | p50 / p99 ms |', '|---:|---:|---:|---:|---:|')
    for (const c of r.cluster) lines.push(`| ${c.workers} | ${n(c.files)} | ${c.connections} | ${f(c.rps)} | ${f(c.p50)} / ${f(c.p99)} |`)
    lines.push('')
  }
  if (r.runs.length > 1) {
    lines.push('| Target | ' + r.runs.map((_, i) => `Run ${i + 1}`).join(' | ') + ' | Limit |', '|---|' + r.runs.map(() => '---:|').join('') + '---|')
    for (const [i, t] of r.runs[0]!.targets.entries()) lines.push(`| ${t.name} | ${r.runs.map(run => `${f(run.targets[i]!.value, 2)}${run.targets[i]!.pass ? '' : ' **FAIL**'}`).join(' | ')} | ${t.limit} |`)
  }
  return lines.join('\n')
}
