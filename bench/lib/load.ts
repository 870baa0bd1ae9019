import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import type { BenchServer } from './server'
import { cpuTicks, rssMB, waitIdle } from './processes'

// Load on the server with autocannon (in this process), and what it costs the server.

export async function cannon(url: string, connections: number, seconds: number, headers: Record<string, string>) {
  const result = await autocannon({ url, connections, duration: seconds, headers, timeout: 120 })
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${url}, ${connections} connections: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`)
  }
  return result
}

export interface Target { url: string, headers: Record<string, string> }

export interface Measured {
  requests: number
  seconds: number
  rps: number
  latencyMs: { p50: number, p99: number, mean: number }
  /** Server CPU time per request, ms (all its processes). */
  cpuMsPerRequest: number
  /** Largest resident memory of the server's processes while this ran, MB. */
  rssMaxMB: number
  /** Requests per second in each round, in round order (rounds pair the routes up in time). */
  roundRps: number[]
}

/**
 * Several routes measured side by side: `rounds` rounds, each giving every route `seconds` of load in turn
 * (after a 1 s warm-up and once the server is idle), the order rotating from round to round, so a busy moment
 * of the machine or a drift over the run hits all of them alike. Throughput is requests over time summed
 * across rounds; latencies are the median round's; `roundRps` keeps each round for paired comparisons.
 */
export async function sideBySide<K extends string>(server: BenchServer, targets: Record<K, Target>, options: { connections: number, seconds: number, rounds: number }): Promise<Record<K, Measured>> {
  const keys = Object.keys(targets) as K[]
  const perRound: Record<string, (Omit<Measured, 'roundRps'> & { ticks: number })[]> = {}
  for (let round = 0; round < options.rounds; round++) {
    for (const key of [...keys.slice(round % keys.length), ...keys.slice(0, round % keys.length)]) {
      await waitIdle(server.pids)
      const { url, headers } = targets[key]
      await cannon(url, options.connections, 1, headers)
      await waitIdle(server.pids)
      let rssMax = 0
      const sampler = setInterval(() => { rssMax = Math.max(rssMax, rssMB(server.pids())) }, 250)
      const ticks = cpuTicks(server.pids())
      const r = await cannon(url, options.connections, options.seconds, headers)
      clearInterval(sampler)
      const used = cpuTicks(server.pids()) - ticks
      ;(perRound[key] ??= []).push({
        requests: r.requests.total,
        seconds: r.duration,
        rps: r.requests.total / r.duration,
        latencyMs: { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean },
        cpuMsPerRequest: used * 10 / r.requests.total,
        rssMaxMB: rssMax,
        ticks: used,
      })
    }
  }
  const out = {} as Record<K, Measured>
  for (const key of keys) {
    const rounds = perRound[key]!
    const requests = rounds.reduce((n, r) => n + r.requests, 0)
    const seconds = rounds.reduce((n, r) => n + r.seconds, 0)
    const median = [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!
    out[key] = {
      requests,
      seconds,
      rps: requests / seconds,
      latencyMs: median.latencyMs,
      cpuMsPerRequest: rounds.reduce((n, r) => n + r.ticks, 0) * 10 / requests,
      rssMaxMB: Math.max(...rounds.map(r => r.rssMaxMB)),
      roundRps: rounds.map(r => r.rps),
    }
  }
  return out
}

/**
 * The resident memory one request adds at its peak: on an idle, warmed-up server, RSS sampled every 2 ms
 * while the request is served, its maximum minus the RSS just before. Median of `times` requests.
 */
export async function peakExtraRss(server: BenchServer, url: string, headers: Record<string, string>, times = 5) {
  for (let i = 0; i < 3; i++) await (await fetch(url, { headers })).arrayBuffer()
  const extras: number[] = []
  let bytes = 0
  for (let i = 0; i < times; i++) {
    await waitIdle(server.pids)
    await sleep(500)
    const before = rssMB(server.pids())
    let peak = before
    const sampler = setInterval(() => { peak = Math.max(peak, rssMB(server.pids())) }, 2)
    const body = await (await fetch(url, { headers })).arrayBuffer()
    clearInterval(sampler)
    peak = Math.max(peak, rssMB(server.pids()))
    bytes = body.byteLength
    extras.push(peak - before)
  }
  extras.sort((a, b) => a - b)
  return { responseMB: bytes / 2 ** 20, extraMB: extras[Math.floor(times / 2)]!, samplesMB: extras }
}

/**
 * Database round trips per request: statements the database committed while `amount` requests were served,
 * per request (see committedStatements). `committed` reads the counter.
 */
export async function roundTrips(target: Target, amount: number, committed: () => Promise<number>) {
  const before = await committed()
  const result = await autocannon({ url: target.url, connections: 10, amount, headers: target.headers, timeout: 120 })
  if (result.non2xx || result.errors || result.timeouts) throw new Error(`${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  // The two statements `committed` itself ran before (a snapshot reset and the read) are counted too.
  return (await committed() - before - 2) / result.requests.total
}
