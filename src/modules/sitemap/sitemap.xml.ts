/** XML text: the five characters that could end a value or start markup, escaped. */
export function xmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const lastmod = (date: Date | null | undefined) => (date ? `<lastmod>${date.toISOString()}</lastmod>` : '');

/** A sitemap index (sitemaps.org): one <sitemap> per page of URLs. */
export function sitemapIndexXml(pages: { url: string; lastModified: Date | null }[]): string {
  const items = pages.map((p) => `<sitemap><loc>${xmlText(p.url)}</loc>${lastmod(p.lastModified)}</sitemap>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${items}\n</sitemapindex>\n`;
}

/** A page of a sitemap: at most 50,000 <url>s. */
export function urlSetXml(urls: { url: string; lastModified?: Date | null }[]): string {
  const items = urls.map((u) => `<url><loc>${xmlText(u.url)}</loc>${lastmod(u.lastModified)}</url>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${items}\n</urlset>\n`;
}

/** Paths no crawler should fetch: personal, state-changing, machine-facing or endless (search results). */
export const disallowedPaths = ['/admin', '/account', '/api/', '/checkout', '/cart', '/search'] as const;

export function robotsTxt(sitemapUrl: string): string {
  return ['User-agent: *', ...disallowedPaths.map((p) => `Disallow: ${p}`), '', `Sitemap: ${sitemapUrl}`, ''].join('\n');
}
