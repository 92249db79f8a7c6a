import type { SettingsReader } from '../../kernel/settings.js';

/** Uploads and serving of media (src/modules/media). */
export interface MediaSettings {
  /** CDN_URL: media URLs point there (CloudFront) instead of this app's /media route. */
  cdnUrl: string | undefined;
  /** MEDIA_MAX_BYTES: the largest upload accepted. */
  maxBytes: number;
  /** MEDIA_MAX_PIXELS: the most pixels an upload may declare, against decompression bombs. */
  maxPixels: number;
}

/** CDN_URL, MEDIA_MAX_BYTES (default 10 MB), MEDIA_MAX_PIXELS (default 40 megapixels). */
export function readMediaSettings(read: SettingsReader, context: { nodeEnv: string }): MediaSettings {
  const cdn = read.optionalString('CDN_URL');
  return {
    // Pages served over HTTPS would load plain-HTTP images as mixed content: HTTPS only in production.
    cdnUrl: cdn === undefined ? undefined : read.url('CDN_URL', cdn, context.nodeEnv === 'production' ? ['https:'] : ['http:', 'https:']),
    maxBytes: read.integer('MEDIA_MAX_BYTES', 10 * 1024 * 1024, { min: 1024, max: 100 * 1024 * 1024 }),
    maxPixels: read.integer('MEDIA_MAX_PIXELS', 40_000_000, { min: 10_000, max: 268_402_689 }),
  };
}
