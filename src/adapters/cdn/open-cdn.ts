import type { CdnConfig, CdnInvalidator } from './cdn.js';
import { createCloudFrontCdn } from './cloudfront.js';
import { createNoCdn } from './none.js';

/** The CDN port from CDN: none (local) or CloudFront (CDN_DISTRIBUTION_ID). */
export function openCdn(config: CdnConfig): CdnInvalidator {
  if (config.kind === 'cloudfront') return createCloudFrontCdn({ distributionId: config.distributionId, endpoint: config.endpoint });
  return createNoCdn();
}
