import { Layout } from './layout.js';
import type { PageContext } from './page-context.js';

/** 404 with search and the categories, so a lost shopper has somewhere to go. */
export function NotFoundPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Page not found" meta={{ canonicalPath: ctx.currentPath, noindex: true }}>
      <div class="container empty">
        <h1>We couldn’t find that page</h1>
        <p>The link may be old, or the product may no longer be for sale. Try a search, or start from a category.</p>
        <form class="search" role="search" action="/search" method="get">
          <label class="visually-hidden" for="notfound-search">
            Search products
          </label>
          <input id="notfound-search" type="search" name="q" placeholder="Search the shop" />
          <button type="submit" class="button">
            Search
          </button>
        </form>
        <ul class="chip-list" aria-label="Popular categories">
          {ctx.categories.map((c) => (
            <li key={c.slug}>
              <a href={`/c/${c.slug}`}>{c.name}</a>
            </li>
          ))}
        </ul>
      </div>
    </Layout>
  );
}
