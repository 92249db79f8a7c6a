import { Breadcrumb } from '../../../web/breadcrumb.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import { categoryTrail, type PageHead } from '../catalog.seo.js';
import type { CategorySummary } from '../catalog.types.js';
import { formatTotal, Listing, listingScripts, type ListingView } from './listing.js';
import { listingHref } from './listing-params.js';

/** A category listing: breadcrumb, H1 with count, filters, chips, sort and pages, all in the URL. */
export function CategoryPage({ ctx, head, category, view }: { ctx: PageContext; head: PageHead; category: CategorySummary; view: ListingView }) {
  const { params, result } = view;
  const filtered = params.option.length > 0 || params.price !== undefined || params.inStock;
  return (
    <Layout ctx={ctx} title={head.title} description={head.description} meta={head.meta} scripts={listingScripts(view)}>
      <div class="container">
        <Breadcrumb trail={categoryTrail(category)} />
        <header class="page-head">
          <h1>
            {category.name} <span class="visually-hidden">,</span>
            <span class="tile__count"> ({formatTotal(result, ctx.locale)})</span>
          </h1>
          {category.description ? <p>{category.description}</p> : null}
        </header>
        {result.total === 0 && !filtered ? (
          <div class="empty">
            <h2>Nothing here yet</h2>
            <p>We are restocking {category.name.toLowerCase()}. Have a look at our other categories meanwhile.</p>
            <a class="button button--secondary" href="/">
              Back to the shop
            </a>
          </div>
        ) : (
          <Listing
            view={view}
            empty={
              <div class="empty empty--inline">
                <h2>{result.total === 0 ? 'No products match these filters' : 'No products on this page'}</h2>
                <p>Try removing a filter, or start again with everything in {category.name.toLowerCase()}.</p>
                <a class="button button--secondary" href={listingHref(view.base, { option: [], inStock: false, page: 1 })}>
                  Show all {category.name.toLowerCase()}
                </a>
              </div>
            }
          />
        )}
      </div>
    </Layout>
  );
}
