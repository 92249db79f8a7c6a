import type { FastifyRequest } from 'fastify';
import type { PaymentProvider } from '../adapters/payments/payment-settings.js';

/** What every storefront page's layout needs, gathered once per request by the route. */
export interface PageContext {
  shopName: string;
  /** PUBLIC_URL: canonical URLs, Open Graph and structured data are absolute. */
  publicUrl: string;
  locale: string;
  stylesheet: string;
  /** Hashed URL of the SVG favicon (src/web/assets.ts). */
  favicon?: string;
  /** Hashed URLs of the client scripts (src/web/assets.ts); a page lists the ones it needs in its layout. */
  scripts?: { webauthn: string; passkeys: string; variantPicker?: string; addToCart?: string };
  /** Subresource Integrity of those scripts by URL (src/web/assets.ts): the layout writes it on each tag. */
  scriptIntegrity?: Readonly<Record<string, string>>;
  currentPath: string;
  /** The shop's categories; the header shows the top-level ones (no `parentId`), at most seven. */
  categories: { slug: string; name: string; parentId?: string | null }[];
  /** The information pages the footer links to, by group. */
  footerLinks: readonly FooterLink[];
  /** Items in the shopper's cart, shown on the header's cart link (0 when absent). */
  cartCount?: number;
  /** The payment providers configured (PAYMENTS); the footer shows marks for these only. */
  payments?: readonly PaymentProvider[];
}

export interface FooterLink {
  group: 'help' | 'policies';
  href: string;
  title: string;
}

export interface PageContextDeps {
  shopName: string;
  publicUrl: string;
  locale: string;
  stylesheet: string;
  favicon?: string;
  scripts?: { webauthn: string; passkeys: string; variantPicker?: string; addToCart?: string };
  scriptIntegrity?: Readonly<Record<string, string>>;
  listCategories: () => Promise<{ slug: string; name: string; parentId?: string | null }[]>;
  footerLinks: readonly FooterLink[];
  payments?: readonly PaymentProvider[];
  /** The items in the request's cart (the cart module's countOf); pages built without a request show 0. */
  cartCountOf?: (request: FastifyRequest) => Promise<number>;
}

/**
 * A page's layout context for a path. Pass the request too, so the header shows the shopper's real cart
 * count: a request with no cookie has no cart (0, so an anonymous page stays the same for everyone and
 * cacheable), and one with a cookie is answered `private, no-store` by sendPage and cachePublicly.
 */
export type PageContextOf = (path: string, request?: FastifyRequest) => Promise<PageContext>;

/** Builds the per-request layout context. */
export function createPageContextFactory(deps: PageContextDeps): PageContextOf {
  return async (path, request) => ({
    shopName: deps.shopName,
    publicUrl: deps.publicUrl,
    locale: deps.locale,
    stylesheet: deps.stylesheet,
    ...(deps.favicon ? { favicon: deps.favicon } : {}),
    ...(deps.scripts ? { scripts: deps.scripts } : {}),
    ...(deps.scriptIntegrity ? { scriptIntegrity: deps.scriptIntegrity } : {}),
    currentPath: path.split('?')[0] ?? '/',
    categories: (await deps.listCategories()).map((c) => ({ slug: c.slug, name: c.name, ...(c.parentId ? { parentId: c.parentId } : {}) })),
    footerLinks: deps.footerLinks,
    cartCount: request !== undefined && request.headers.cookie !== undefined && deps.cartCountOf ? await deps.cartCountOf(request).catch(() => 0) : 0,
    payments: deps.payments ?? ['test'],
  });
}
