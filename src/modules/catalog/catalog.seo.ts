import type { Money } from '../../kernel/money.js';
import { absoluteUrl, breadcrumbList, metaDescription, type PageMeta } from '../../web/seo.js';
import type { CategorySummary, ProductDetail, StockLevel } from './catalog.types.js';

/** A page's title, meta description and the rest of its head, as the storefront layout takes them. */
export interface PageHead {
  title: string;
  description: string;
  meta: PageMeta;
}

type Trail = { label: string; href?: string }[];

/** The breadcrumb trails the pages show, shared with their BreadcrumbList so the two never differ. */
export const productTrail = (product: ProductDetail): Trail => [
  { label: 'Home', href: '/' },
  { label: product.category.name, href: `/c/${product.category.slug}` },
  { label: product.name },
];
export const categoryTrail = (category: CategorySummary): Trail => [{ label: 'Home', href: '/' }, { label: category.name }];

/**
 * A decimal string of a price in minor units ("1250" GBP → "12.50", "500" JPY → "500"), from the
 * currency's own number of decimals, without ever going through a float.
 */
export function decimalPrice(money: Money): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: money.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const sign = money.amount < 0 ? '-' : '';
  const units = String(Math.abs(money.amount)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${units}` : `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

const availability: Record<StockLevel, string> = {
  in_stock: 'https://schema.org/InStock',
  low_stock: 'https://schema.org/LimitedAvailability',
  sold_out: 'https://schema.org/OutOfStock',
};

/** The product page's head: SEO title and description when set, Product with an Offer per variant. */
export function productHead(publicUrl: string, shopName: string, product: ProductDetail): PageHead {
  const path = `/p/${product.slug}`;
  const url = absoluteUrl(publicUrl, path);
  const description = product.seo.description || metaDescription(product.description);
  const images = product.images.map((i) => absoluteUrl(publicUrl, i.url));
  const structured = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.name,
    description: metaDescription(product.description, 5_000),
    url,
    ...(images.length > 0 ? { image: images } : {}),
    category: product.category.name,
    brand: { '@type': 'Brand', name: shopName },
    offers: product.variants.map((v) => ({
      '@type': 'Offer',
      sku: v.sku,
      name: v.title,
      price: decimalPrice(v.price),
      priceCurrency: v.price.currency,
      availability: availability[v.stock],
      itemCondition: 'https://schema.org/NewCondition',
      url: `${url}?variant=${encodeURIComponent(v.id)}`,
    })),
  };
  return {
    title: product.seo.title || product.name,
    description,
    meta: {
      canonicalPath: path,
      ogType: 'product',
      image: images[0],
      jsonLd: [structured, breadcrumbList(publicUrl, productTrail(product), path)],
    },
  };
}

/**
 * A category page's head. Filters and sort are views of the same page, so they all name the plain
 * category URL as canonical; a later page of the listing is a page of its own (`?page=N`).
 */
export function categoryHead(publicUrl: string, category: CategorySummary, pageNumber: number): PageHead {
  const path = `/c/${category.slug}`;
  const name = category.seo.title || category.name;
  return {
    title: pageNumber > 1 ? `${name} – page ${pageNumber}` : name,
    description: category.seo.description || metaDescription(category.description),
    meta: {
      canonicalPath: pageNumber > 1 ? `${path}?page=${pageNumber}` : path,
      image: category.image?.url,
      jsonLd: [breadcrumbList(publicUrl, categoryTrail(category), path)],
    },
  };
}

/** The home page's head: the shop as an Organization, and a WebSite whose search is /search?q=. */
export function homeHead(publicUrl: string, shopName: string, title: string, description: string, image: string | undefined): PageHead {
  const home = absoluteUrl(publicUrl, '/');
  return {
    title,
    description,
    meta: {
      canonicalPath: '/',
      image,
      jsonLd: [
        { '@context': 'https://schema.org', '@type': 'Organization', name: shopName, url: home },
        {
          '@context': 'https://schema.org',
          '@type': 'WebSite',
          name: shopName,
          url: home,
          potentialAction: {
            '@type': 'SearchAction',
            target: { '@type': 'EntryPoint', urlTemplate: `${absoluteUrl(publicUrl, '/search')}?q={search_term_string}` },
            'query-input': 'required name=search_term_string',
          },
        },
      ],
    },
  };
}
