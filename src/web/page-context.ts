/** What every storefront page's layout needs, gathered once per request by the route. */
export interface PageContext {
  shopName: string;
  /** PUBLIC_URL: canonical URLs, Open Graph and structured data are absolute. */
  publicUrl: string;
  locale: string;
  stylesheet: string;
  /** Hashed URLs of the client scripts (src/web/assets.ts); a page lists the ones it needs in its layout. */
  scripts?: { webauthn: string; passkeys: string };
  currentPath: string;
  categories: { slug: string; name: string }[];
  /** The information pages the footer links to, by group. */
  footerLinks: readonly FooterLink[];
  cartCount: number;
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
  scripts?: { webauthn: string; passkeys: string };
  listCategories: () => Promise<{ slug: string; name: string }[]>;
  footerLinks: readonly FooterLink[];
}

/** Builds the per-request layout context. */
export function createPageContextFactory(deps: PageContextDeps): (path: string) => Promise<PageContext> {
  return async (path) => ({
    shopName: deps.shopName,
    publicUrl: deps.publicUrl,
    locale: deps.locale,
    stylesheet: deps.stylesheet,
    ...(deps.scripts ? { scripts: deps.scripts } : {}),
    currentPath: path.split('?')[0] ?? '/',
    categories: (await deps.listCategories()).map((c) => ({ slug: c.slug, name: c.name })),
    footerLinks: deps.footerLinks,
    cartCount: 0,
  });
}
