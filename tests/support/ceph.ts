import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ensureCephInstalled } from './ceph-packages'

// A Ceph RADOS Gateway of the test run's own: one monitor, one OSD on memstore (RAM, no disk), one
// radosgw, each a child process in the foreground, from a temporary directory with its own fsid and
// free ports, so two runs (two worktrees) never meet. RGW verifies Signature V4 like S3 (query and
// header, expiry, signed Content-Type/Length, session tokens); `stop()` kills it all and removes the
// directory. No manager daemon: nothing here needs one, and it would cost seconds of start-up.

const run = promisify(execFile)
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

export interface RgwOptions {
  bucket: string
  region?: string
  /** Host name whose subdomains address buckets (virtual-hosted style): `bucket.s3.localhost`. */
  dnsName?: string
  /** Browser origins the bucket's CORS rule allows (wildcards as S3 allows them). */
  allowedOrigins?: string[]
}

export interface Rgw {
  /** RGW itself, path style: http://127.0.0.1:PORT */
  endpoint: string
  port: number
  dnsName: string
  region: string
  bucket: string
  /** The RGW user owning the bucket, and its keys. */
  user: string
  accessKeyId: string
  secretAccessKey: string
  /** A role that user may assume (AssumeRole), allowed every S3 action. */
  roleArn: string
  /** The cluster's ceph.conf, for radosgw-admin. */
  cephConf: string
  /** Runs radosgw-admin against this cluster and returns its output. */
  admin(args: string[]): Promise<string>
  stop(): Promise<void>
}

/** Marks a run directory; stale ones (their owner process gone) are cleaned up by the next start. */
const DIR_PREFIX = 'chat-files-ceph-'

export async function startRgw(options: RgwOptions): Promise<Rgw> {
  await ensureCephInstalled()
  cleanStaleRuns()
  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX))
  await writeFile(join(dir, 'owner.pid'), String(process.pid))
  const children: { name: string, process: ChildProcess, stderr: string[] }[] = []
  let stopped = false
  const killAll = () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL')
  }
  // A test run that exits any other way still takes its daemons along.
  const onExit = () => {
    killAll()
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', onExit)

  async function stop() {
    if (stopped) return
    stopped = true
    process.removeListener('exit', onExit)
    killAll()
    await Promise.all(children.map(c => c.process.exitCode !== null || c.process.signalCode !== null ? undefined : new Promise(resolve => c.process.once('exit', resolve))))
    rmSync(dir, { recursive: true, force: true })
  }

  const conf = join(dir, 'ceph.conf')
  const region = options.region ?? 'us-east-1'
  const dnsName = options.dnsName ?? 's3.localhost'
  try {
    const [monPort, rgwPort] = [await freePort(), await freePort()]
    const fsid = randomUUID()
    await Promise.all(['run', 'log', 'mon/mon.a', 'osd/osd.0'].map(d => mkdir(join(dir, d), { recursive: true })))
    await writeFile(conf, cephConf({ dir, fsid, monPort, rgwPort, dnsName }))
    await createKeyring(dir)
    const ceph = (bin: string, args: string[]) => run(bin, ['-c', conf, ...args], { cwd: dir, timeout: 60_000 })
    const daemon = (bin: string, args: string[]) => {
      const child = spawn(bin, ['-f', '-c', conf, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
      const entry = { name: `${bin} ${args.join(' ')}`, process: child, stderr: [] as string[] }
      child.stderr!.on('data', (chunk: Buffer) => {
        entry.stderr.push(chunk.toString())
        if (entry.stderr.length > 20) entry.stderr.shift()
      })
      children.push(entry)
    }

    await run('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, join(dir, 'monmap')], { cwd: dir })
    await ceph('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap'), '--keyring', join(dir, 'keyring')])
    daemon('ceph-mon', ['-i', 'a'])
    const osdUuid = randomUUID()
    await ceph('ceph', ['--connect-timeout', '30', 'osd', 'new', osdUuid, '0'])
    await ceph('ceph-osd', ['-i', '0', '--mkfs', '--osd-uuid', osdUuid])
    daemon('ceph-osd', ['-i', '0'])
    daemon('radosgw', ['-n', 'client.rgw.a'])
    const endpoint = `http://127.0.0.1:${rgwPort}`
    await waitForHttp(endpoint, children, dir)

    const user = 'chat-files'
    const keys = { accessKeyId: randomKey(20), secretAccessKey: randomKey(40) }
    const admin = (args: string[]) => radosgwAdmin(conf, args)
    const roleName = 'chat-files-session'
    await Promise.all([
      admin(['user', 'create', `--uid=${user}`, '--display-name=chat-files tests', `--access-key=${keys.accessKeyId}`, `--secret-key=${keys.secretAccessKey}`]),
      // Sets user policies (IAM PutUserPolicy); the app's user itself gets no administrative rights.
      admin(['user', 'create', '--uid=policy-admin', '--display-name=policy admin', `--access-key=${randomKey(20)}`, `--secret-key=${randomKey(40)}`, '--caps=user-policy=*']),
      admin(['role', 'create', `--role-name=${roleName}`, '--path=/', `--assume-role-policy-doc=${JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${user}`] }, Action: ['sts:AssumeRole'] }] })}`]),
    ])
    await Promise.all([
      admin(['role-policy', 'put', `--role-name=${roleName}`, '--policy-name=s3', `--policy-doc=${JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }] })}`]),
      // One after the other: both touch the user's record.
      allowSessionTokens({ rgwEndpoint: endpoint, region, user, cephConf: conf })
        .then(() => createBucket(endpoint, region, keys, options.bucket, options.allowedOrigins ?? [])),
    ])

    return { endpoint, port: rgwPort, dnsName, region, bucket: options.bucket, user, ...keys, roleArn: `arn:aws:iam:::role/${roleName}`, cephConf: conf, admin, stop }
  }
  catch (error) {
    const detail = await startFailureDetail(dir, children)
    await stop()
    throw new Error(`Could not start the test storage (Ceph RGW): ${(error as Error).message}${detail}`, { cause: error })
  }
}

function cephConf(c: { dir: string, fsid: string, monPort: number, rgwPort: number, dnsName: string }) {
  return `[global]
fsid = ${c.fsid}
mon host = v2:127.0.0.1:${c.monPort}
public addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr1 = false
keyring = ${c.dir}/keyring
run dir = ${c.dir}/run
admin socket = ${c.dir}/run/$name.asok
log file = ${c.dir}/log/$name.log
mon data = ${c.dir}/mon/$name
osd data = ${c.dir}/osd/$name
auth allow insecure global id reclaim = false
# One OSD holds everything: pools of one copy, one placement group each, no autoscaling.
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 1
osd pool default pgp num = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = ${2 << 30}
# Map changes are proposed every second by default: RGW's pool creation alone would take 10 s.
paxos propose interval = 0.05
paxos min wait = 0.01
# A client whose first request found no OSD yet asks again for the map on this tick (5 s by default).
objecter tick interval = 0.2

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:${c.rgwPort}
rgw dns name = ${c.dnsName}
rgw s3 auth use sts = true
rgw sts key = ${randomKey(16)}
# AssumeRole sessions as short as a test needs (GetSessionToken keeps its fixed 900 s minimum).
rgw sts min session duration = 1
`
}

/** One keyring for the whole cluster: each daemon type authenticates with an entry and caps of its own. */
async function createKeyring(dir: string) {
  const keyring = join(dir, 'keyring')
  const entries: [string, string[]][] = [
    ['mon.', ['mon', 'allow *']],
    ['client.admin', ['mon', 'allow *', 'osd', 'allow *', 'mgr', 'allow *']],
    ['osd.0', ['mon', 'allow profile osd', 'osd', 'allow *', 'mgr', 'allow profile osd']],
    ['client.rgw.a', ['mon', 'allow rw', 'osd', 'allow rwx', 'mgr', 'allow rw']],
  ]
  let first = true
  for (const [name, caps] of entries) {
    const capArgs = caps.flatMap((c, i) => (i % 2 === 0 ? ['--cap', c] : [c]))
    await run('ceph-authtool', [...(first ? ['--create-keyring'] : []), keyring, '--gen-key', '-n', name, ...capArgs], { cwd: dir })
    first = false
  }
}

async function waitForHttp(endpoint: string, children: { name: string, process: ChildProcess }[], dir: string) {
  const deadline = Date.now() + 90_000
  for (;;) {
    const dead = children.find(c => c.process.exitCode !== null || c.process.signalCode !== null)
    if (dead) throw new Error(`${dead.name} exited (${dead.process.exitCode ?? dead.process.signalCode})`)
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) })
      return
    }
    catch {}
    if (Date.now() > deadline) throw new Error(`radosgw did not answer at ${endpoint} within 90 s (logs in ${dir}/log)`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

async function startFailureDetail(dir: string, children: { name: string, stderr: string[] }[]) {
  const parts: string[] = []
  for (const c of children) if (c.stderr.length) parts.push(`${c.name}: ${c.stderr.join('').slice(-1500)}`)
  for (const log of ['mon.a', 'osd.0', 'client.rgw.a']) {
    const text = await readFile(join(dir, 'log', `${log}.log`), 'utf8').catch(() => '')
    const errors = text.split('\n').filter(l => / -1 |ERROR|error/.test(l)).slice(-5)
    if (errors.length) parts.push(`${log}.log: ${errors.join('\n')}`)
  }
  return parts.length ? `\n${parts.join('\n')}` : ''
}

/**
 * Removes the directories of runs whose test process is gone (killed before it could clean up), and
 * kills their daemons: only processes whose command line names that directory.
 */
function cleanStaleRuns() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue
    const dir = join(tmpdir(), name)
    const owner = Number(readFileSafe(join(dir, 'owner.pid')))
    if (owner && isAlive(owner)) continue
    for (const pid of readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
      if (readFileSafe(`/proc/${pid}/cmdline`).includes(`${dir}/ceph.conf`)) {
        try {
          process.kill(Number(pid), 'SIGKILL')
        }
        catch {}
      }
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

function readFileSafe(path: string) {
  try {
    return readFileSync(path, 'utf8')
  }
  catch {
    return ''
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  }
  catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Runs radosgw-admin against the cluster of `cephConf`; its standard output. */
export async function radosgwAdmin(cephConf: string, args: string[]): Promise<string> {
  return (await run('radosgw-admin', ['-c', cephConf, ...args], { timeout: 60_000 })).stdout
}

/** A port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Random upper-case letters and digits, the shape of RGW's generated keys. */
export function randomKey(length: number): string {
  return [...randomBytes(length)].map(b => KEY_ALPHABET[b % KEY_ALPHABET.length]).join('')
}

/** An STS or IAM query-protocol call (form-encoded POST), signed with `credentials`; the response XML. */
export async function callQueryApi(endpoint: string, region: string, service: 'sts' | 'iam', credentials: { accessKeyId: string, secretAccessKey: string, sessionToken?: string }, params: Record<string, string>) {
  const { SignatureV4 } = await import('@smithy/signature-v4')
  const { Sha256 } = await import('@smithy/core/checksum')
  const url = new URL(endpoint)
  const body = new URLSearchParams(params).toString()
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256 })
  const request = await signer.sign({
    method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port) || undefined, path: '/',
    headers: { 'host': url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  })
  const res = await fetch(new URL('/', endpoint), { method: 'POST', headers: request.headers, body })
  const text = await res.text()
  if (!res.ok) throw new Error(`${service} ${params.Action} answered ${res.status}: ${text}`)
  return text
}

/** The text of the first `<name>` element of an XML document. */
export function xmlValue(xml: string, name: string): string {
  const match = xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))
  if (!match) throw new Error(`no <${name}> in ${xml.slice(0, 300)}`)
  return match[1]!.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'' })[e]!)
}

/**
 * RGW lets a user call GetSessionToken only when a user policy allows it. Set through IAM's
 * PutUserPolicy by the policy-admin user. Call it again after `radosgw-admin key create` or `key rm`:
 * in RGW 16 those drop the user's policies.
 */
export async function allowSessionTokens(c: { rgwEndpoint: string, region: string, user: string, cephConf: string }) {
  const info = JSON.parse(await radosgwAdmin(c.cephConf, ['user', 'info', '--uid=policy-admin'])) as { keys: { access_key: string, secret_key: string }[] }
  const admin = { accessKeyId: info.keys[0]!.access_key, secretAccessKey: info.keys[0]!.secret_key }
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:GetSessionToken'], Resource: '*' }] }
  await callQueryApi(c.rgwEndpoint, c.region, 'iam', admin, { Action: 'PutUserPolicy', Version: '2010-05-08', UserName: c.user, PolicyName: 'session-tokens', PolicyDocument: JSON.stringify(policy) })
}

async function createBucket(endpoint: string, region: string, credentials: { accessKeyId: string, secretAccessKey: string }, bucket: string, allowedOrigins: string[]) {
  const { S3Client, CreateBucketCommand, PutBucketCorsCommand } = await import('@aws-sdk/client-s3')
  const s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true })
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
    if (allowedOrigins.length === 0) return
    // Browsers PUT and GET presigned URLs straight to storage; checksum headers must be allowed too.
    await s3.send(new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: allowedOrigins, AllowedMethods: ['GET', 'PUT', 'HEAD'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 }] },
    }))
  }
  finally {
    s3.destroy()
  }
}
