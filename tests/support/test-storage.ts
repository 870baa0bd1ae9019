import { fileURLToPath } from 'node:url'
import { startRgw } from './ceph'
import { startChecksumGate } from './checksum-gate'

// The storage the suite runs against: Ceph's RADOS Gateway (verifies signatures, expiry, signed
// headers, session tokens; implements multipart abort and CORS) behind the checksum gate (verifies
// x-amz-checksum-*, which RGW 16 ignores). Tests and the app reach it through the gate.

export interface TestStorage {
  kind: 'rgw'
  /** The gate, path style: what the app is configured with. http://127.0.0.1:PORT */
  endpoint: string
  /** The gate by name, for virtual-hosted-style URLs (`bucket.s3.localhost:PORT`). */
  vhostEndpoint: string
  /** RGW itself, without the gate. */
  rgwEndpoint: string
  /** Host name whose subdomains are buckets (RGW's `rgw dns name`). */
  dnsName: string
  region: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  /** The RGW user owning the bucket (radosgw-admin --uid). */
  user: string
  /** A role the user may assume for short-lived credentials (AssumeRole), allowed every S3 action. */
  roleArn: string
  /** The cluster's ceph.conf, for radosgw-admin. */
  cephConf: string
}

/** Origins the test bucket's CORS rule allows: the app under test listens on a random local port. */
export const TEST_ORIGINS = ['http://127.0.0.1:*', 'http://localhost:*']

/** Preload that resolves `*.localhost` to loopback (RFC 6761), as browsers do; for NODE_OPTIONS/execArgv. */
export const resolveLocalhostPreload = fileURLToPath(new URL('./resolve-localhost.mjs', import.meta.url))

export async function startTestStorage(options: { bucket: string }): Promise<{ storage: TestStorage, stop(): Promise<void> }> {
  const start = () => startRgw({ bucket: options.bucket, allowedOrigins: TEST_ORIGINS })
  // Ports are picked free just before the daemons bind them; another run may take one in between.
  const rgw = await start().catch((error: Error) => {
    console.warn(`${error.message.split('\n')[0]}; trying once more`)
    return start()
  })
  try {
    const gate = await startChecksumGate({ upstream: rgw.endpoint, dnsName: rgw.dnsName, allowedOrigins: TEST_ORIGINS })
    return {
      storage: {
        kind: 'rgw',
        endpoint: gate.endpoint,
        vhostEndpoint: `http://${rgw.dnsName}:${gate.port}`,
        rgwEndpoint: rgw.endpoint,
        dnsName: rgw.dnsName,
        region: rgw.region,
        bucket: rgw.bucket,
        accessKeyId: rgw.accessKeyId,
        secretAccessKey: rgw.secretAccessKey,
        user: rgw.user,
        roleArn: rgw.roleArn,
        cephConf: rgw.cephConf,
      },
      stop: async () => {
        await gate.stop()
        await rgw.stop()
      },
    }
  }
  catch (error) {
    await rgw.stop()
    throw error
  }
}
