import { Breadcrumb } from '../../../web/breadcrumb.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import { formatTotal, Listing, listingHref, listingScripts, type ListingView } from '../../catalog/index.js';

/** What the page shows of a published collection. */
export interface CollectionView {
  slug: string;
  title: string;
  descriptionHtml: string;
  seoTitle: string;
  seoDescription: string;
}

/** A published collection's products, with the same filters, sort and pages as a category. */
export function CollectionPage({ ctx, collection, view }: { ctx: PageContext; collection: CollectionView; view: ListingView }) {
  const { params, result } = view;
  const filtered = params.option.length > 0 || params.price !== undefined || params.inStock || params.category !== undefined;
  const title = collection.seoTitle || collection.title;
  return (
    <Layout ctx={ctx} title={params.page > 1 ? `${title} – page ${params.page}` : title} description={collection.seoDescription || undefined} scripts={listingScripts(view)}>
      <div class="container">
        <Breadcrumb trail={[{ label: 'Home', href: '/' }, { label: collection.title }]} />
        <header class="page-head">
          <h1>
            {collection.title} <span class="visually-hidden">,</span>
            <span class="tile__count"> ({formatTotal(result, ctx.locale)})</span>
          </h1>
          {/* Sanitised when the catalog rendered it from Markdown on write. */}
          {collection.descriptionHtml ? <div class="page-head__prose" dangerouslySetInnerHTML={{ __html: collection.descriptionHtml }} /> : null}
        </header>
        {result.total === 0 && !filtered ? (
          <div class="empty">
            <h2>Nothing in this collection yet</h2>
            <p>Its products are on their way. Have a look around the shop meanwhile.</p>
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
                <p>Try removing a filter.</p>
                <a class="button button--secondary" href={listingHref(view.base, { option: [], inStock: false, page: 1 })}>
                  Show the whole collection
                </a>
              </div>
            }
          />
        )}
      </div>
    </Layout>
  );
}
