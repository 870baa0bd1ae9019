import { execFileSync } from 'node:child_process'
import { lookup } from 'node:dns/promises'
import dns from 'node:dns'
import { describe, expect, it } from 'vitest'
import { useTestStorage } from '../helpers/storage'
import { resolveLocalhostPreload } from './test-storage'

describe('resolve-localhost preload', () => {
  it('resolves any *.localhost name to loopback in the suite\'s workers (callback and promise APIs)', async () => {
    const name = `some-bucket.s3.localhost`
    expect(await new Promise(resolve => dns.lookup(name, (_error, address) => resolve(address)))).toBe('127.0.0.1')
    expect(await new Promise(resolve => dns.lookup(name, { all: true }, (_error, addresses) => resolve(addresses)))).toEqual([{ address: '127.0.0.1', family: 4 }])
    expect(await new Promise(resolve => dns.lookup(name, { family: 6 }, (_error, address) => resolve(address)))).toBe('::1')
    // Names outside .localhost are left to the system.
    await expect(lookup('nothing.invalid')).rejects.toMatchObject({ code: 'ENOTFOUND' })
  })

  it('lets plain node processes (the app servers) reach the storage by bucket subdomain', () => {
    const storage = useTestStorage()
    const script = `fetch(${JSON.stringify(storage.vhostEndpoint.replace('//', `//${storage.bucket}.`))}).then(r => console.log(r.status))`
    const status = execFileSync(process.execPath, ['--import', resolveLocalhostPreload, '-e', script], { encoding: 'utf8' }).trim()
    // Anonymous listing of the bucket is refused: the request reached RGW under the bucket's name.
    expect(status).toBe('403')
  })
})
