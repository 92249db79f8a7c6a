import { join } from 'node:path';
import type { KeyRing } from '../keys/key-ring.js';
import { createLocalObjectStore } from './local.js';
import type { ObjectStore } from './object-store.js';
import { createS3ObjectStore } from './s3.js';
import type { StorageConfig } from './storage-config.js';

/** The object store STORAGE names: files under DATA_DIR/objects, or the S3 bucket (SSE-KMS). */
export function openObjectStore(config: { dataDir: string; storage: StorageConfig }, keyRing?: KeyRing): ObjectStore {
  const { storage } = config;
  if (storage.kind === 's3') return createS3ObjectStore({ bucket: storage.bucket, endpoint: storage.endpoint, region: storage.region, kmsKeyId: storage.kmsKeyId });
  return createLocalObjectStore(join(config.dataDir, 'objects'), keyRing ? { keyRing } : {});
}
