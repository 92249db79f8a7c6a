/** What every storefront page's layout needs, gathered once per request by the route. */
export interface PageContext {
  shopName: string;
  locale: string;
  stylesheet: string;
  currentPath: string;
  categories: { slug: string; name: string }[];
  cartCount: number;
}

export interface PageContextDeps {
  shopName: string;
  locale: string;
  stylesheet: string;
  listCategories: () => Promise<{ slug: string; name: string }[]>;
}

/** Builds the per-request layout context. */
export function createPageContextFactory(deps: PageContextDeps): (path: string) => Promise<PageContext> {
  return async (path) => ({
    shopName: deps.shopName,
    locale: deps.locale,
    stylesheet: deps.stylesheet,
    currentPath: path.split('?')[0] ?? '/',
    categories: (await deps.listCategories()).map((c) => ({ slug: c.slug, name: c.name })),
    cartCount: 0,
  });
}
