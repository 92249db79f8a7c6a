import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { CsrfField } from '../../../web/forms/csrf-field.js';
import { formatMoney } from '../../../web/format.js';
import type { AdminSort } from '../catalog.products.repository.js';
import type { ProductListPage } from '../catalog.products.service.js';
import type { ProductStatus } from '../catalog.tables.js';

export const productsPath = '/admin/products';

/** The list's state, all of it in the URL so every view is a link and works without JavaScript. */
export interface ProductListParams {
  q?: string;
  status?: ProductStatus;
  category?: string;
  sort: AdminSort;
  dir: 'asc' | 'desc';
  page: number;
}

export const pageSize = 50;

export function listQueryString(params: ProductListParams, changes: Partial<ProductListParams> = {}): string {
  const p = { ...params, ...changes };
  const search = new URLSearchParams();
  if (p.q) search.set('q', p.q);
  if (p.status) search.set('status', p.status);
  if (p.category) search.set('category', p.category);
  if (p.sort !== 'updated' || p.dir !== 'desc') {
    search.set('sort', p.sort);
    search.set('dir', p.dir);
  }
  if (p.page > 1) search.set('page', String(p.page));
  const text = search.toString();
  return text ? `?${text}` : '';
}

const statusLabels: Record<ProductStatus, string> = { active: 'Active', draft: 'Draft', archived: 'Archived' };
const statusBadges: Record<ProductStatus, string> = { active: 'badge badge--ok', draft: 'badge', archived: 'badge badge--low' };

export const notices: Record<string, string> = {
  archived: 'Product archived. It no longer shows in the shop.',
  status: 'Status changed.',
  imported: 'Import finished.',
};

function SortHeader(props: { label: string; sort: AdminSort; params: ProductListParams; numeric?: boolean }) {
  const { params, sort } = props;
  const current = params.sort === sort;
  const next = current && params.dir === 'asc' ? 'desc' : 'asc';
  return (
    <th scope="col" class={props.numeric ? 'num' : undefined} aria-sort={current ? (params.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a class="sort-link" href={`${productsPath}${listQueryString(params, { sort, dir: current ? next : sort === 'updated' ? 'desc' : 'asc', page: 1 })}`}>
        {props.label}
        <span aria-hidden="true" class="sort-link__mark">
          {current ? (params.dir === 'asc' ? '▲' : '▼') : ''}
        </span>
      </a>
    </th>
  );
}

/**
 * The back office's product list: title with count, status tabs, a GET form of search and filters, a
 * sortable index table whose rows take a bulk status change (a plain POST form), and pages of 50.
 */
export function ProductsListPage(props: { ctx: AdminContext; locale: string; params: ProductListParams; page: ProductListPage; categories: { id: string; name: string }[]; canWrite: boolean; notice?: string | undefined }) {
  const { ctx, params, page, locale } = props;
  const n = (x: number) => new Intl.NumberFormat(locale).format(x);
  const filtered = params.q !== undefined || params.category !== undefined;
  const first = page.offset + 1;
  const last = page.offset + page.items.length;
  const tabs: [ProductStatus | undefined, string, number][] = [
    [undefined, 'All', page.counts.all],
    ['active', 'Active', page.counts.active],
    ['draft', 'Draft', page.counts.draft],
    ['archived', 'Archived', page.counts.archived],
  ];
  return (
    <AdminLayout ctx={ctx} title="Products">
      <div class="admin-head admin-head--split">
        <div>
          <h1>
            Products <span class="admin-head__count tabular">{n(page.counts.all)}</span>
          </h1>
          <p>Everything the shop sells. Drafts and archived products stay out of the shop.</p>
        </div>
        <div class="row-actions">
          <a class="button button--secondary" href="/admin/products/import">
            Import CSV
          </a>
          <a class="button button--secondary" href={`/api/v1/admin/catalog/products/export.csv${listQueryString({ ...params, page: 1, sort: 'updated', dir: 'desc' }).replace(/^\?/, '?')}`} download>
            Export CSV
          </a>
          {props.canWrite ? (
            <a class="button" href="/admin/products/new">
              Add product
            </a>
          ) : null}
        </div>
      </div>
      {props.notice ? (
        <div class="notice notice--success" role="status">
          {props.notice}
        </div>
      ) : null}

      <nav class="admin-tabs" aria-label="Products by status">
        <ul>
          {tabs.map(([status, label, count]) => (
            <li key={label}>
              <a href={`${productsPath}${listQueryString(params, { status, page: 1 })}`} aria-current={params.status === status ? 'page' : undefined}>
                {label} <span class="admin-tabs__count tabular">{n(count)}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <form class="admin-card admin-filters" method="get" action={productsPath} role="search" aria-label="Search products">
        {params.status ? <input type="hidden" name="status" value={params.status} /> : null}
        <div class="inline-form">
          <div class="field">
            <label class="field__label" for="q">
              Search
            </label>
            <input class="field__input" id="q" name="q" type="search" value={params.q ?? ''} autocomplete="off" spellcheck={false} aria-describedby="q-hint" />
            <p class="field__hint" id="q-hint">
              Name or SKU
            </p>
          </div>
          <div class="field">
            <label class="field__label" for="category">
              Category
            </label>
            <select class="field__select" id="category" name="category">
              <option value="">All categories</option>
              {props.categories.map((c) => (
                <option key={c.id} value={c.id} selected={params.category === c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="row-actions admin-filters__actions">
            <button class="button button--secondary" type="submit">
              Search
            </button>
            {filtered ? <a href={`${productsPath}${listQueryString({ sort: params.sort, dir: params.dir, page: 1, ...(params.status ? { status: params.status } : {}) })}`}>Clear</a> : null}
          </div>
        </div>
      </form>

      {page.items.length === 0 ? (
        <div class="admin-card admin-empty">
          {page.counts.all === 0 && !filtered ? (
            <>
              <h2>Add your first product</h2>
              <p>Products have a name, a description, options such as size or colour, and a variant with a price and SKU for each combination.</p>
              {props.canWrite ? (
                <a class="button" href="/admin/products/new">
                  Add product
                </a>
              ) : null}
            </>
          ) : (
            <>
              <h2>No products match</h2>
              <p>Try another name or SKU, another category, or another status.</p>
              <a class="button button--secondary" href={productsPath}>
                Clear search and filters
              </a>
            </>
          )}
        </div>
      ) : (
        <form method="post" action="/admin/products/status" class="bulk-form">
          <CsrfField token={ctx.csrf} />
          {props.canWrite ? (
            <div class="bulk-bar">
              <label class="field__label" for="bulk-status">
                Set the status of the selected products to
              </label>
              <div class="inline-form inline-form--tight">
                <select class="field__select" id="bulk-status" name="status">
                  <option value="active">Active</option>
                  <option value="draft">Draft</option>
                  <option value="archived">Archived</option>
                </select>
                <button class="button button--secondary button--small" type="submit">
                  Apply to selected
                </button>
              </div>
            </div>
          ) : null}
          <div class="table-wrap">
            <table class="admin-table products-table">
              <caption class="visually-hidden">Products, sorted by {params.sort}</caption>
              <thead>
                <tr>
                  {props.canWrite ? (
                    <th scope="col">
                      <span class="visually-hidden">Select</span>
                    </th>
                  ) : null}
                  <SortHeader label="Product" sort="name" params={params} />
                  <SortHeader label="Status" sort="status" params={params} />
                  <th scope="col">Category</th>
                  <SortHeader label="Variants" sort="variants" params={params} numeric />
                  <SortHeader label="Price" sort="price" params={params} numeric />
                  <SortHeader label="Updated" sort="updated" params={params} />
                </tr>
              </thead>
              <tbody>
                {page.items.map((p) => (
                  <tr key={p.id}>
                    {props.canWrite ? (
                      <td>
                        <input type="checkbox" class="checkbox" name="ids" value={p.id} id={`select-${p.id}`} aria-label={`Select ${p.name}`} />
                      </td>
                    ) : null}
                    <td class="products-table__name">
                      <a href={`/admin/products/${p.id}`}>{p.name}</a>
                      {p.featured ? <span class="badge products-table__featured">Featured</span> : null}
                    </td>
                    <td>
                      <span class={statusBadges[p.status]}>{statusLabels[p.status]}</span>
                    </td>
                    <td>{p.category_name}</td>
                    <td class="num tabular">{n(p.variant_count)}</td>
                    <td class="num tabular nowrap">
                      {p.price_min === null || p.currency === null
                        ? '—'
                        : p.price_min === p.price_max
                          ? formatMoney({ amount: p.price_min, currency: p.currency }, locale)
                          : `${formatMoney({ amount: p.price_min, currency: p.currency }, locale)}–${formatMoney({ amount: p.price_max ?? p.price_min, currency: p.currency }, locale)}`}
                    </td>
                    <td class="nowrap">{new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(p.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </form>
      )}

      {page.items.length > 0 ? (
        <nav class="audit-pager" aria-label="Pages of products">
          <p class="audit-pager__range tabular">
            {n(first)}–{n(last)} of {n(page.total)}
          </p>
          <ul>
            {params.page > 1 ? (
              <li>
                <a class="button button--secondary button--small" rel="prev" href={`${productsPath}${listQueryString(params, { page: params.page - 1 })}`}>
                  Previous
                </a>
              </li>
            ) : null}
            {last < page.total ? (
              <li>
                <a class="button button--secondary button--small" rel="next" href={`${productsPath}${listQueryString(params, { page: params.page + 1 })}`}>
                  Next
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </AdminLayout>
  );
}
