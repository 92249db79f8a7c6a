import type { ImageRef } from './media.images.js';

export interface PictureProps {
  image: ImageRef;
  /** The `sizes` of every source: how wide the image is drawn at each viewport, so the browser picks a width. */
  sizes: string;
  /** The page's likely LCP image: fetched eagerly and first. Every other image loads lazily. */
  priority?: boolean;
  /** Overrides the image's alt text (`""` for an image a link's text already names). */
  alt?: string;
}

/**
 * A responsive image: one `<source>` per format (AVIF, then WebP) with every rendition width in its
 * `srcset`, and an `<img>` fallback whose width and height reserve its box (no layout shift).
 */
export function Picture({ image, sizes, priority = false, alt }: PictureProps) {
  return (
    <picture>
      {image.sources.map((source) => (
        <source key={source.type} type={source.type} srcset={source.srcset} sizes={sizes} />
      ))}
      <img
        src={image.url}
        alt={alt ?? image.alt}
        width={image.width}
        height={image.height}
        loading={priority ? 'eager' : 'lazy'}
        decoding="async"
        fetchpriority={priority ? 'high' : undefined}
      />
    </picture>
  );
}
