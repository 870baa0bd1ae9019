import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { GetBucketCorsCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import { useTestStorage } from '../helpers/storage'
import { CEPH_INSTALL_COMMAND, ensureCephInstalled, missingCephPrograms } from './ceph-packages'
import { startRgw } from './ceph'

/** Processes whose command line names `dir` (the cluster's daemons run with -c dir/ceph.conf). */
function processesOf(dir: string) {
  return readdirSync('/proc').filter(p => /^\d+$/.test(p)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${dir}/ceph.conf`)
    }
    catch {
      return false
    }
  })
}

describe('startRgw', () => {
  it('runs a second cluster beside the suite\'s (own directory, fsid and ports), and stop() leaves nothing behind', async () => {
    const suite = useTestStorage()
    const started = performance.now()
    const rgw = await startRgw({ bucket: 'second-run', allowedOrigins: ['http://localhost:*'] })
    console.log(`second cluster started in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const dir = dirname(rgw.cephConf)
    try {
      expect(dir).not.toBe(dirname(suite.cephConf))
      expect(rgw.endpoint).not.toBe(suite.rgwEndpoint)
      const fsid = (conf: string) => /^fsid = (.+)$/m.exec(readFileSync(conf, 'utf8'))![1]
      expect(fsid(rgw.cephConf)).not.toBe(fsid(suite.cephConf))
      expect(processesOf(dir)).toHaveLength(3) // mon, osd, radosgw

      const s3 = new S3Client({ endpoint: rgw.endpoint, forcePathStyle: true, region: rgw.region, credentials: rgw })
      expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map(b => b.Name)).toEqual(['second-run'])
      expect((await s3.send(new GetBucketCorsCommand({ Bucket: 'second-run' }))).CORSRules?.[0]?.AllowedOrigins).toEqual(['http://localhost:*'])
      s3.destroy()
      const user = JSON.parse(await rgw.admin(['user', 'info', `--uid=${rgw.user}`])) as { keys: { access_key: string }[] }
      expect(user.keys.map(k => k.access_key)).toEqual([rgw.accessKeyId])
    }
    finally {
      await rgw.stop()
    }
    expect(processesOf(dir)).toEqual([])
    expect(existsSync(dir)).toBe(false)
    await expect(fetch(rgw.endpoint)).rejects.toThrow()
    // The suite's own cluster is untouched.
    expect((await fetch(suite.rgwEndpoint)).status).toBe(200)
  })
})

describe('Ceph packages', () => {
  it('are all installed here, and the install command names Debian\'s packages', async () => {
    expect(missingCephPrograms()).toEqual([])
    await expect(ensureCephInstalled()).resolves.toBeUndefined()
    expect(CEPH_INSTALL_COMMAND).toBe('apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd')
    expect(execFileSync('radosgw', ['--version'], { encoding: 'utf8' })).toMatch(/ceph version \d+\./)
  })

  it('on a machine without them, a user who is not root is told the exact command', async () => {
    expect(missingCephPrograms(['/nonexistent'])).toEqual(['radosgw', 'radosgw-admin', 'ceph-mon', 'ceph-osd', 'ceph', 'ceph-authtool', 'monmaptool'])
    await expect(ensureCephInstalled({ missing: () => missingCephPrograms(['/nonexistent']), root: false }))
      .rejects.toThrow('missing: radosgw, radosgw-admin, ceph-mon, ceph-osd, ceph, ceph-authtool, monmaptool). Install them with:\n  sudo apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd')
  })
})
