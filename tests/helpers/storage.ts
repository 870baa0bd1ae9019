import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3'
import { inject } from 'vitest'
import { allowSessionTokens, callQueryApi, radosgwAdmin, randomKey, xmlValue } from '../support/ceph'
import type { TestStorage } from '../support/test-storage'

// The suite's storage, for tests that need more than the app's bucket: extra keys for the bucket's
// user, temporary credentials from RGW's STS, clients in either addressing style, multipart state.

export interface StorageCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface TemporaryCredentials extends Required<StorageCredentials> {
  expiration: Date
}

export function useTestStorage(): TestStorage {
  return inject('testStorage')
}

/** A new key pair of the user that owns the test bucket (valid at once, until removed). */
export async function createStorageKey(): Promise<{ accessKeyId: string, secretAccessKey: string }> {
  const storage = useTestStorage()
  const key = { accessKeyId: randomKey(20), secretAccessKey: randomKey(40) }
  await radosgwAdmin(storage.cephConf, ['key', 'create', `--uid=${storage.user}`, '--key-type=s3', `--access-key=${key.accessKeyId}`, `--secret-key=${key.secretAccessKey}`])
  await allowSessionTokens(storage)
  return key
}

/** Removes a key made by createStorageKey; requests signed with it are refused from then on. */
export async function removeStorageKey(accessKeyId: string): Promise<void> {
  const storage = useTestStorage()
  await radosgwAdmin(storage.cephConf, ['key', 'rm', `--uid=${storage.user}`, '--key-type=s3', `--access-key=${accessKeyId}`])
  await allowSessionTokens(storage)
}

/**
 * Temporary credentials from STS GetSessionToken, signed with a long-term key of the bucket's user.
 * RGW 16 allows 900 s to 43200 s here; for shorter lives use assumeRoleCredentials.
 */
export async function getSessionCredentials(credentials: StorageCredentials, seconds = 900): Promise<TemporaryCredentials> {
  if (seconds < 900) throw new RangeError('RGW grants GetSessionToken sessions of 900 s or more; use assumeRoleCredentials for shorter ones')
  const storage = useTestStorage()
  const call = () => callQueryApi(storage.rgwEndpoint, storage.region, 'sts', credentials, { Action: 'GetSessionToken', Version: '2011-06-15', DurationSeconds: String(seconds) })
  // Another test file's key change may have dropped the policy a moment ago (see allowSessionTokens).
  const xml = await call().catch(async () => {
    await allowSessionTokens(storage)
    return call()
  })
  return parseCredentials(xml)
}

/** Temporary credentials from STS AssumeRole on the suite's role (every S3 action), from 1 s up. */
export async function assumeRoleCredentials(seconds: number, credentials: StorageCredentials = useTestStorage()): Promise<TemporaryCredentials> {
  const storage = useTestStorage()
  const xml = await callQueryApi(storage.rgwEndpoint, storage.region, 'sts', credentials, {
    Action: 'AssumeRole', Version: '2011-06-15', RoleArn: storage.roleArn, RoleSessionName: `test-${randomKey(8)}`, DurationSeconds: String(seconds),
  })
  return parseCredentials(xml)
}

function parseCredentials(xml: string): TemporaryCredentials {
  return {
    accessKeyId: xmlValue(xml, 'AccessKeyId'),
    secretAccessKey: xmlValue(xml, 'SecretAccessKey'),
    sessionToken: xmlValue(xml, 'SessionToken'),
    expiration: new Date(xmlValue(xml, 'Expiration')),
  }
}

export interface StorageClientOptions {
  credentials?: StorageCredentials
  /** `bucket.s3.localhost:PORT` instead of `127.0.0.1:PORT/bucket`. */
  virtualHosted?: boolean
  /** Straight to RGW, skipping the checksum gate. */
  direct?: boolean
  /** The SDK's requestChecksumCalculation (default WHEN_SUPPORTED, as the SDK's). */
  checksums?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'
}

/**
 * An S3 client for the test storage; through the gate unless `direct`. Destroy it when done. The SDK's
 * defaults are kept: buffer bodies carry a CRC32 header (verified by the gate); stream bodies would use
 * trailing checksums (aws-chunked), which RGW 16 cannot take and the gate refuses (501).
 */
export function storageClient(options: StorageClientOptions = {}): S3Client {
  const storage = useTestStorage()
  const gate = options.virtualHosted ? storage.vhostEndpoint : storage.endpoint
  const endpoint = options.direct ? (options.virtualHosted ? storage.rgwEndpoint.replace('127.0.0.1', storage.dnsName) : storage.rgwEndpoint) : gate
  return new S3Client({
    endpoint,
    region: storage.region,
    forcePathStyle: !options.virtualHosted,
    credentials: options.credentials ?? { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
    requestChecksumCalculation: options.checksums,
  })
}

/** Multipart uploads begun and neither completed nor aborted, under `prefix`. */
export async function listMultipartUploads(prefix = ''): Promise<{ key: string, uploadId: string }[]> {
  const s3 = storageClient()
  try {
    const res = await s3.send(new ListMultipartUploadsCommand({ Bucket: useTestStorage().bucket, Prefix: prefix }))
    return (res.Uploads ?? []).map(u => ({ key: u.Key!, uploadId: u.UploadId! }))
  }
  finally {
    s3.destroy()
  }
}
