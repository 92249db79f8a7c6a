import { Breadcrumb } from '../../../web/breadcrumb.js';
import { formatCount } from '../../../web/format.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import { categoryTrail, type PageHead } from '../catalog.seo.js';
import type { CategorySummary, Page, ProductSummary } from '../catalog.types.js';
import { ProductGrid } from './product-card.js';

/** A category listing with breadcrumb, count and numbered pagination. */
export function CategoryPage({ ctx, head, category, page, pageNumber }: { ctx: PageContext; head: PageHead; category: CategorySummary; page: Page<ProductSummary>; pageNumber: number }) {
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  const first = page.offset + 1;
  const last = page.offset + page.items.length;
  return (
    <Layout ctx={ctx} title={head.title} description={head.description} meta={head.meta}>
      <div class="container">
        <Breadcrumb trail={categoryTrail(category)} />
        <header class="page-head">
          <h1>
            {category.name} <span class="visually-hidden">,</span>
            <span class="tile__count"> ({formatCount(page.total, ctx.locale)})</span>
          </h1>
          {category.description ? <p>{category.description}</p> : null}
        </header>
        {page.items.length === 0 ? (
          <div class="empty">
            <h2>Nothing here yet</h2>
            <p>We are restocking {category.name.toLowerCase()}. Have a look at our other categories meanwhile.</p>
            <a class="button button--secondary" href="/">
              Back to the shop
            </a>
          </div>
        ) : (
          <>
            <p class="tile__count tabular">
              Showing {first}–{last} of {formatCount(page.total, ctx.locale)}
            </p>
            <ProductGrid products={page.items} locale={ctx.locale} eagerCount={4} />
            {pages > 1 ? (
              <nav class="pagination" aria-label="Pages">
                <ul>
                  {Array.from({ length: pages }, (_, i) => i + 1).map((n) => (
                    <li key={n}>
                      <a href={n === 1 ? `/c/${category.slug}` : `/c/${category.slug}?page=${n}`} aria-current={n === pageNumber ? 'page' : undefined}>
                        <span class="visually-hidden">Page </span>
                        {n}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
          </>
        )}
      </div>
    </Layout>
  );
}
