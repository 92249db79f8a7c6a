import type { CdnInvalidator } from './cdn.js';

/** No CDN (the local default): pages are served by the app itself, so there is nothing to drop. */
export function createNoCdn(): CdnInvalidator {
  return { kind: 'none', invalidate: async () => undefined };
}
