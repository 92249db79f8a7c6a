import type { PageContext } from './page-context.js';

/** What a page tells search engines and link previews, beyond its title and description. */
export interface PageMeta {
  /** The page's one address (path and, for pagination, `?page=N`); made absolute with PUBLIC_URL. */
  canonicalPath: string;
  /** Open Graph type: `website` for most pages, `product` for a product page. */
  ogType?: 'website' | 'product';
  /** The preview image (an absolute URL or a path on this site). */
  image?: string | undefined;
  /** Structured data (schema.org objects), each written as its own JSON-LD block. */
  jsonLd?: readonly object[];
  /** Keeps the page out of search results (result pages, error pages). */
  noindex?: boolean;
}

/** An absolute URL on this shop from a path, or an absolute URL unchanged (a CDN's image URL). */
export function absoluteUrl(publicUrl: string, pathOrUrl: string): string {
  return new URL(pathOrUrl, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).href;
}

/**
 * JSON for a `<script type="application/ld+json">` block. `<` is written as \u003c, so no text (a product
 * named `</script><script>…`) can close the block; `>` and `&` likewise, and U+2028/2029 for old parsers.
 */
export function jsonLdText(data: object): string {
  return JSON.stringify(data)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/**
 * A meta description from free text (Markdown or plain): markup dropped, whitespace collapsed, cut at a
 * word boundary to at most `max` characters with an ellipsis, which is what search results show.
 */
export function metaDescription(text: string, max = 160): string {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#*_`>|~]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

/** A schema.org BreadcrumbList from the same trail the page shows (the last step is the page itself). */
export function breadcrumbList(publicUrl: string, trail: readonly { label: string; href?: string }[], currentPath: string): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: trail.map((step, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      name: step.label,
      item: absoluteUrl(publicUrl, step.href ?? currentPath),
    })),
  };
}

/** The head elements for search engines and previews: canonical, Open Graph, Twitter card, JSON-LD. */
export function SeoHead({ ctx, title, description, meta }: { ctx: PageContext; title: string; description: string | undefined; meta: PageMeta }) {
  const url = absoluteUrl(ctx.publicUrl, meta.canonicalPath);
  const image = meta.image ? absoluteUrl(ctx.publicUrl, meta.image) : undefined;
  return (
    <>
      {meta.noindex ? <meta name="robots" content="noindex" /> : null}
      <link rel="canonical" href={url} />
      <meta property="og:site_name" content={ctx.shopName} />
      <meta property="og:type" content={meta.ogType ?? 'website'} />
      <meta property="og:title" content={title} />
      {description ? <meta property="og:description" content={description} /> : null}
      <meta property="og:url" content={url} />
      {image ? <meta property="og:image" content={image} /> : null}
      <meta name="twitter:card" content={image ? 'summary_large_image' : 'summary'} />
      {(meta.jsonLd ?? []).map((data, i) => (
        <script key={i} type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdText(data) }} />
      ))}
    </>
  );
}
