import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { assertValidKey, type ObjectStore, type StoredObject } from './object-store.js';

export interface S3StoreOptions {
  bucket: string;
  /** An S3-compatible server (MinIO, s3rver): addressed path-style, since it has no per-bucket host names. */
  endpoint?: string | undefined;
  /** AWS_REGION; absent: the SDK's own resolution. */
  region?: string | undefined;
  /** The KMS key every object is encrypted with at rest (SSE-KMS); absent: the bucket's default key. */
  kmsKeyId?: string | undefined;
  /** Only for tests against a loopback server; on AWS the SDK's default chain (the instance role) is used. */
  credentials?: S3ClientConfig['credentials'];
}

/** Public media keys hold a content hash, so their bytes never change and any cache may keep them for a year. */
const immutable = 'public, max-age=31536000, immutable';

/** A missing object answers 404 (NoSuchKey on GET, NotFound on HEAD, which has no body to name it). */
function isMissing(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound');
}

/**
 * Objects in an S3 bucket (STORAGE=s3). Every put asks for SSE-KMS with the configured key, so an object
 * is encrypted at rest whatever the bucket's default says; the bucket stays private and CloudFront reads
 * the public `media/` prefix through Origin Access Control. Keys are checked as the local store checks them.
 */
export function createS3ObjectStore(options: S3StoreOptions): ObjectStore & { client: S3Client } {
  const client = new S3Client({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  });
  const Bucket = options.bucket;
  const encryption = { ServerSideEncryption: 'aws:kms' as const, ...(options.kmsKeyId !== undefined ? { SSEKMSKeyId: options.kmsKeyId } : {}) };
  return {
    client,
    async put(key, body, contentType) {
      assertValidKey(key);
      await client.send(
        new PutObjectCommand({
          Bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length, ...encryption,
          ...(key.startsWith('media/') ? { CacheControl: immutable } : {}),
        }),
      );
    },
    async get(key): Promise<StoredObject | undefined> {
      assertValidKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (out.Body === undefined) return undefined;
        return { body: out.Body as Readable, size: out.ContentLength ?? 0, contentType: out.ContentType ?? 'application/octet-stream' };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async exists(key) {
      assertValidKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    },
    async delete(key) {
      assertValidKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
  };
}
