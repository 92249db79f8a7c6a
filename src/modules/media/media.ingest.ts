import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type OutputInfo } from 'sharp';
import type { ObjectStore } from '../../adapters/storage/object-store.js';
import { mediaTooLarge, mediaTooManyPixels, mediaUndecodable, mediaUnsupportedType } from './media.errors.js';
import type { StoredImage } from './media.images.js';

/** Rendition widths for responsive `srcset`s; an image narrower than one gets its own width instead. */
export const standardWidths: readonly number[] = [320, 640, 960, 1280, 1600];

/** Formats written for every width: AVIF first (smallest), WebP as the fallback every browser decodes. */
const formats = ['avif', 'webp'] as const;
const mimeOf = { avif: 'image/avif', webp: 'image/webp' } as const;

/** What file-type names an accepted type, and what sharp must find in the same bytes for them to be that type. */
const accepted: Record<string, { label: string; format: string; compression?: string }> = {
  'image/jpeg': { label: 'JPEG', format: 'jpeg' },
  'image/png': { label: 'PNG', format: 'png' },
  'image/webp': { label: 'WebP', format: 'webp' },
  'image/avif': { label: 'AVIF', format: 'heif', compression: 'av1' },
};

export interface ImageIngestOptions {
  store: ObjectStore;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
  /** MEDIA_MAX_PIXELS: checked on the declared size before any decoding, and enforced by libvips while decoding. */
  maxPixels: number;
  /** Rendition widths (default standardWidths); the demo seed asks for fewer. */
  widths?: readonly number[];
  /** AVIF effort 0-9 (default 2): higher is much slower for a few per cent smaller files. */
  avifEffort?: number;
}

export interface ImageIngest {
  /**
   * Checks an uploaded file and stores it as renditions: the type is read from the content (never from a
   * name or a declared type), and the file must decode as that type within the byte and pixel limits.
   * Every rendition is decoded, auto-rotated and re-encoded (no metadata: EXIF, GPS and comments are
   * dropped), so no byte of the upload is ever served. Keys are `media/i/<sha256 of the upload>/<width>.<format>`:
   * nothing a client names reaches a key. The same file uploaded twice is stored once.
   */
  ingest(bytes: Buffer, alt: string): Promise<StoredImage>;
}

/** The widths to write for an image `width` pixels wide: those below it, and its own (capped at the largest). */
export function renditionWidths(width: number, widths: readonly number[] = standardWidths): number[] {
  const largest = Math.min(width, Math.max(...widths));
  return [...new Set([...widths.filter((w) => w < largest), largest])].sort((a, b) => a - b);
}

export function createImageIngest(options: ImageIngestOptions): ImageIngest {
  const { store, maxBytes, maxPixels } = options;
  const widthsWanted = options.widths ?? standardWidths;
  const effort = options.avifEffort ?? 2;

  return {
    async ingest(bytes, alt) {
      if (bytes.length > maxBytes) throw mediaTooLarge(maxBytes);
      // By content only: file-type reads magic numbers. SVG, HTML and every other text format have none it accepts.
      const detected = await fileTypeFromBuffer(bytes);
      const kind = detected ? accepted[detected.mime] : undefined;
      if (!kind) throw mediaUnsupportedType();

      // The header must agree with the magic number (a JPEG signature over an SVG or HTML body does not).
      const meta = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => undefined);
      if (!meta || meta.format !== kind.format || (kind.compression !== undefined && meta.compression !== kind.compression)) throw mediaUndecodable(kind.label);
      const declared = (meta.width ?? 0) * (meta.height ?? 0);
      if (declared === 0) throw mediaUndecodable(kind.label);
      // A small file may declare a huge canvas (a decompression bomb): refused before a pixel is decoded.
      if (declared > maxPixels) throw mediaTooManyPixels(maxPixels);

      const upright = meta.autoOrient ?? { width: meta.width!, height: meta.height! };
      const widths = renditionWidths(upright.width, widthsWanted);
      const largest = widths[widths.length - 1]!;
      const key = `media/i/${createHash('sha256').update(bytes).digest('hex')}`;
      const stored = (height: number): StoredImage => ({ key, alt, width: largest, height, widths, formats: [...formats] });
      const heightAt = (w: number): number => Math.max(1, Math.round((upright.height * w) / upright.width));
      // The largest WebP is written last, so its presence means an earlier upload of these bytes finished.
      if (await store.exists(`${key}/${largest}.webp`) && (await Promise.all(widths.map((w) => store.exists(`${key}/${w}.avif`)))).every(Boolean)) {
        return stored(heightAt(largest));
      }

      // One full decode, strict (a truncated or corrupt file fails here), into upright sRGB pixels at the
      // largest width; every rendition is encoded from those pixels, never from the upload's bytes.
      let pixels: { data: Buffer; info: OutputInfo };
      try {
        pixels = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning', autoOrient: true })
          .resize({ width: largest, withoutEnlargement: true })
          .toColourspace('srgb')
          .raw()
          .toBuffer({ resolveWithObject: true });
      } catch {
        throw mediaUndecodable(kind.label);
      }
      const raw = { raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels } };
      const encode = async ({ width, format }: { width: number; format: (typeof formats)[number] }): Promise<void> => {
        const image = sharp(pixels.data, raw).resize({ width });
        const out = format === 'avif' ? await image.avif({ quality: 55, effort }).toBuffer() : await image.webp({ quality: 80, effort: 4 }).toBuffer();
        await store.put(`${key}/${width}.${format}`, out, mimeOf[format]);
      };
      const renditions = widths.flatMap((width) => formats.map((format) => ({ width, format })));
      // Encoders are mostly single-threaded (AVIF's above all): encoding side by side uses every core.
      await Promise.all(renditions.filter((r) => !(r.width === largest && r.format === 'webp')).map(encode));
      await encode({ width: largest, format: 'webp' });
      return stored(pixels.info.height);
    },
  };
}
