import type { SettingsReader } from '../../kernel/settings.js';

/** STORAGE and its companions, as parsed by config.ts; the adapters (local.ts, s3.ts) take these values. */
export type StorageConfig =
  | { kind: 'local' }
  | {
      kind: 's3';
      bucket: string;
      /** S3_ENDPOINT: an S3-compatible server, addressed path-style; absent: AWS S3 itself. */
      endpoint: string | undefined;
      region: string | undefined;
      /** KMS_KEY_ID: the key every put names for SSE-KMS. */
      kmsKeyId: string | undefined;
    };

/** The prefix CloudFront serves from the bucket (infra's PUBLIC_MEDIA_PREFIX); the app writes public media there. */
const publicPrefix = 'media/';

/** STORAGE (`local`|`s3`), S3_BUCKET, S3_ENDPOINT, S3_PUBLIC_PREFIX, KMS_KEY_ID, AWS_REGION. */
export function readStorage(read: SettingsReader, context: { nodeEnv: string }): StorageConfig {
  const kind = read.oneOf('STORAGE', ['local', 's3'] as const, 'local');
  if (kind === 'local') return { kind };
  const bucket = read.optionalString('S3_BUCKET') ?? '';
  // The rules S3 sets for bucket names, so a typo fails at start rather than on the first upload.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) read.problem('S3_BUCKET: required with STORAGE=s3, as a bucket name (3-63 of a-z, 0-9, dot, hyphen)');
  const endpointValue = read.optionalString('S3_ENDPOINT');
  // Plain HTTP only for a server on the developer's machine or in tests: anywhere else the objects would cross the network in the clear.
  const endpoint = endpointValue === undefined ? undefined : read.url('S3_ENDPOINT', endpointValue, context.nodeEnv === 'production' ? ['https:'] : ['http:', 'https:']);
  const prefix = read.string('S3_PUBLIC_PREFIX', publicPrefix);
  if (prefix !== publicPrefix) read.problem(`S3_PUBLIC_PREFIX: must be "${publicPrefix}", the prefix the app writes public media under`);
  const kmsKeyId = read.optionalString('KMS_KEY_ID');
  if (kmsKeyId === undefined && context.nodeEnv === 'production') read.problem('KMS_KEY_ID: required with STORAGE=s3 in production, so every object is encrypted with the shop\'s own key (SSE-KMS)');
  return { kind, bucket, endpoint, region: read.optionalString('AWS_REGION'), kmsKeyId };
}
