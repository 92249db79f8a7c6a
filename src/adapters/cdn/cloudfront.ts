import { randomUUID } from 'node:crypto';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import type { CdnInvalidator } from './cdn.js';

export interface CloudFrontOptions {
  distributionId: string;
  /** CloudFront is global; its API lives in us-east-1. */
  region?: string | undefined;
  /** Another API endpoint (tests: a loopback server speaking CloudFront's API). */
  endpoint?: string | undefined;
  /** Credentials for that endpoint; absent: the SDK's default chain (the instance role on AWS). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** CloudFront allows 3,000 paths per invalidation (wildcards count 15 each): beyond that, drop everything. */
const maxPaths = 1_000;

/**
 * CloudFront's CreateInvalidation. Each call carries a unique CallerReference, so a retried outbox job
 * makes a new invalidation rather than being refused as a duplicate of one with other paths.
 */
export function createCloudFrontCdn(options: CloudFrontOptions): CdnInvalidator {
  const client = new CloudFrontClient({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 3,
  });
  return {
    kind: 'cloudfront',
    async invalidate(paths) {
      const unique = [...new Set(paths)].map(encodePath);
      if (unique.length === 0) return;
      const items = unique.length > maxPaths ? ['/*'] : unique;
      await client.send(
        new CreateInvalidationCommand({
          DistributionId: options.distributionId,
          InvalidationBatch: { CallerReference: `bastion-${Date.now()}-${randomUUID()}`, Paths: { Quantity: items.length, Items: items } },
        }),
      );
    },
  };
}

/** CloudFront matches the path as requested: non-ASCII characters must be percent-encoded; `*` stays. */
function encodePath(path: string): string {
  const absolute = path.startsWith('/') ? path : `/${path}`;
  return encodeURI(decodeURISafe(absolute)).replaceAll('%2A', '*');
}

function decodeURISafe(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
