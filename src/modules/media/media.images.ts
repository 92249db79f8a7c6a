/** An image as stored: a base key, its intrinsic size, and the renditions made of it. */
export interface StoredImage {
  key: string;
  alt: string;
  width: number;
  height: number;
  /** Rendition widths; each exists in each of `formats` at `${key}/${width}.${format}`. Empty: one file at `key`. */
  widths: readonly number[];
  formats: readonly string[];
}

/** What a page needs to draw an image: a fallback URL, its size (no layout shift) and responsive sources. */
export interface ImageRef {
  url: string;
  alt: string;
  width: number;
  height: number;
  /** One per format, best first, e.g. { type: 'image/avif', srcset: '/media/…/320.avif 320w, …' }. */
  sources: { type: string; srcset: string }[];
}

export interface MediaUrls {
  /** The public URL of an object key (under CDN_URL when set). */
  url(key: string): string;
  image(stored: StoredImage): ImageRef;
}

const mimeOf: Record<string, string> = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg', png: 'image/png' };
const preference = ['avif', 'webp', 'jpeg', 'png'];

/** Public URLs of media: served by this app under /media, or from `cdnUrl` (CloudFront) when given. */
export function createMediaUrls(options: { cdnUrl?: string | undefined } = {}): MediaUrls {
  const base = options.cdnUrl?.replace(/\/+$/, '') ?? '';
  const url = (key: string): string => `${base}/${key}`;
  return {
    url,
    image(stored) {
      if (stored.widths.length === 0) return { url: url(stored.key), alt: stored.alt, width: stored.width, height: stored.height, sources: [] };
      const widths = [...stored.widths].sort((a, b) => a - b);
      const formats = [...stored.formats].sort((a, b) => preference.indexOf(a) - preference.indexOf(b));
      const fallbackFormat = formats.includes('webp') ? 'webp' : formats[formats.length - 1]!;
      return {
        url: url(`${stored.key}/${widths[widths.length - 1]}.${fallbackFormat}`),
        alt: stored.alt,
        width: stored.width,
        height: stored.height,
        sources: formats.map((f) => ({ type: mimeOf[f] ?? `image/${f}`, srcset: widths.map((w) => `${url(`${stored.key}/${w}.${f}`)} ${w}w`).join(', ') })),
      };
    },
  };
}
