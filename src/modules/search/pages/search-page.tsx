import { Layout, SearchForm } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import { formatTotal, Listing, listingHref, listingScripts, type ListingView } from '../../catalog/index.js';

/** The page's own search box, holding the query so it can be changed. */
function PageSearch({ q }: { q: string }) {
  return (
    <div class="search-page__form">
      <SearchForm id="search-page-q" value={q} placeholder="Search the shop" />
    </div>
  );
}

function PopularCategories({ ctx }: { ctx: PageContext }) {
  if (ctx.categories.length === 0) return null;
  return (
    <section class="search-suggest" aria-labelledby="popular-categories">
      <h2 id="popular-categories" class="search-suggest__title">
        Popular categories
      </h2>
      <ul class="chip-list chip-list--start">
        {ctx.categories.slice(0, 8).map((c) => (
          <li key={c.slug}>
            <a href={`/c/${c.slug}`}>{c.name}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * /search: a distinct state for no query (a search box and categories), for results (filters, chips,
 * sort, pages) and for no results (what to try, popular categories).
 */
export function SearchPage({ ctx, q, view, fuzzy }: { ctx: PageContext; q: string; view: ListingView | undefined; fuzzy: boolean }) {
  if (view === undefined) {
    return (
      <Layout ctx={ctx} title="Search">
        <div class="container search-page">
          <header class="page-head">
            <h1>Search</h1>
            <p>Look for a product by name, material, colour or SKU.</p>
          </header>
          <PageSearch q="" />
          <PopularCategories ctx={ctx} />
        </div>
      </Layout>
    );
  }
  const { result, params } = view;
  const filtered = params.option.length > 0 || params.price !== undefined || params.inStock || params.category !== undefined;
  const title = `Results for “${q}”${params.page > 1 ? ` – page ${params.page}` : ''}`;
  if (result.total === 0 && !filtered) {
    return (
      <Layout ctx={ctx} title={`No results for “${q}”`}>
        <div class="container search-page">
          <header class="page-head">
            <h1 class="search-page__title">No results for “{q}”</h1>
          </header>
          <PageSearch q={q} />
          <div class="search-empty">
            <h2 class="search-suggest__title">Things to try</h2>
            <ul class="search-empty__tips">
              <li>Check the spelling, or use fewer words.</li>
              <li>Search for what a product is made of or its colour, such as “linen” or “sage”.</li>
              <li>Browse a category instead.</li>
            </ul>
          </div>
          <PopularCategories ctx={ctx} />
        </div>
      </Layout>
    );
  }
  return (
    <Layout ctx={ctx} title={title} scripts={listingScripts(view)}>
      <div class="container">
        <header class="page-head">
          <h1 class="search-page__title">
            Results for “{q}” <span class="visually-hidden">,</span>
            <span class="tile__count"> ({formatTotal(result, ctx.locale)})</span>
          </h1>
          {fuzzy ? <p>No exact matches, so these are the closest we found.</p> : null}
        </header>
        <PageSearch q={q} />
        <Listing
          view={view}
          empty={
            <div class="empty empty--inline">
              <h2>{result.total === 0 ? 'No products match these filters' : 'No products on this page'}</h2>
              <p>Try removing a filter.</p>
              <a class="button button--secondary" href={listingHref('/search', { q, option: [], inStock: false, page: 1 })}>
                Show all results for “{q}”
              </a>
            </div>
          }
        />
      </div>
    </Layout>
  );
}
