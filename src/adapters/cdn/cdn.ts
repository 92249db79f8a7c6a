import type { SettingsReader } from '../../kernel/settings.js';

/**
 * The CDN in front of the shop. After a catalog change the outbox asks it to drop its copies of the
 * storefront paths that changed, so shoppers see the change before the copies would have expired.
 */
export interface CdnInvalidator {
  readonly kind: 'none' | 'cloudfront';
  /** Drops the CDN's copies of these paths ('/p/linen-shirt', '/c/*'); resolves once the CDN accepted it. */
  invalidate(paths: readonly string[]): Promise<void>;
}

/** CDN and its companions, as parsed by config.ts. */
export type CdnConfig =
  | { kind: 'none' }
  | { kind: 'cloudfront'; distributionId: string; endpoint: string | undefined };

export function readCdnConfig(read: SettingsReader): CdnConfig {
  const kind = read.oneOf('CDN', ['none', 'cloudfront'] as const, 'none');
  if (kind === 'none') return { kind };
  const distributionId = read.optionalString('CDN_DISTRIBUTION_ID');
  if (distributionId === undefined || !/^[A-Z0-9]{8,32}$/.test(distributionId)) {
    read.problem('CDN_DISTRIBUTION_ID: must be set to the CloudFront distribution id (such as E2QWRUHAPOMQZL) when CDN=cloudfront');
  }
  // CloudFront is global: its API is signed for us-east-1 whatever AWS_REGION the instance runs in.
  return { kind, distributionId: distributionId ?? '', endpoint: read.optionalString('CDN_ENDPOINT') };
}
