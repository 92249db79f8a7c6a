import { Layout, SearchForm } from './layout.js';
import type { PageContext } from './page-context.js';

/** 404 with search and the categories, so a lost shopper has somewhere to go. */
export function NotFoundPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Page not found" meta={{ canonicalPath: ctx.currentPath, noindex: true }}>
      <div class="container empty">
        <h1>We couldn’t find that page</h1>
        <p>The link may be old, or the product may no longer be for sale. Try a search, or start from a category.</p>
        <SearchForm id="notfound-search" placeholder="Search the shop" />
        <ul class="chip-list" aria-label="Popular categories">
          {ctx.categories.filter((c) => !c.parentId).map((c) => (
            <li key={c.slug}>
              <a href={`/c/${c.slug}`}>{c.name}</a>
            </li>
          ))}
        </ul>
      </div>
    </Layout>
  );
}
