import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'

// The test storage runs Debian's Ceph packages. A fresh machine gets them on first `npm test` when the
// suite runs as root (as in CI); anyone else is told the one command to run.

const run = promisify(execFile)

/** The Debian packages, and a program each must provide. */
export const CEPH_PACKAGES = ['radosgw', 'ceph-mon', 'ceph-osd'] as const
const PROGRAMS = ['radosgw', 'radosgw-admin', 'ceph-mon', 'ceph-osd', 'ceph', 'ceph-authtool', 'monmaptool']
export const CEPH_INSTALL_COMMAND = `apt-get install -y --no-install-recommends ${CEPH_PACKAGES.join(' ')}`

/** Programs of the test storage not found in `dirs` (PATH and Debian's bin directories by default). */
export function missingCephPrograms(dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin']): string[] {
  return PROGRAMS.filter(program => !dirs.some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK)
      return true
    }
    catch {
      return false
    }
  }))
}

/** Installs the packages when programs are missing and this is root; otherwise names the command to run. */
export async function ensureCephInstalled(options: { missing?: () => string[], root?: boolean } = {}) {
  const missingNow = options.missing ?? (() => missingCephPrograms())
  const missing = missingNow()
  if (missing.length === 0) return
  if (!(options.root ?? process.getuid?.() === 0)) {
    throw new Error(`The test storage needs Debian's Ceph packages (missing: ${missing.join(', ')}). Install them with:\n  sudo ${CEPH_INSTALL_COMMAND}`)
  }
  console.log(`Installing Debian's Ceph packages for the test storage: ${CEPH_INSTALL_COMMAND}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = () => run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...CEPH_PACKAGES], { env, maxBuffer: 64 << 20 })
  try {
    await install()
  }
  catch {
    // A fresh image has no package lists yet.
    await run('apt-get', ['update', '-qq'], { env, maxBuffer: 64 << 20 })
    await install()
  }
  const still = missingNow()
  if (still.length) throw new Error(`${CEPH_INSTALL_COMMAND} did not provide: ${still.join(', ')}`)
}
