import { Fragment, type ComponentChildren } from 'preact';
import { formatCount, formatMoney } from '../../../web/format.js';
import type { ListingFacets, ListingResult, ListingSort, PriceBand } from '../catalog.browse.js';
import { listingHref, without, type ListingParams } from './listing-params.js';
import { ProductGrid, type ListingPurchase } from './product-card.js';

/** Where a listing lives and how it treats categories: chosen in the form, or shown as children links. */
export interface ListingView {
  /** The listing's path, e.g. '/search', '/c/apparel', '/collections/summer'. */
  base: string;
  params: ListingParams;
  result: ListingResult;
  locale: string;
  /** 'choose': a category filter in the form (search, collections); 'children': links to subcategories. */
  categories: 'choose' | { children: { slug: string; name: string; count: number }[] };
  sorts: ListingSort[];
  /** Add to cart on the cards (the cart module's form for this request) and its script; absent: cards only link. */
  purchase?: ListingPurchase | undefined;
}

/** The scripts a listing page loads: the add-to-cart enhancement when its cards sell. */
export function listingScripts(view: Pick<ListingView, 'purchase'> | undefined): string[] | undefined {
  return view?.purchase?.script !== undefined ? [view.purchase.script] : undefined;
}

const formId = 'listing-filters';

const sortLabels: Record<ListingSort, string> = {
  relevance: 'Best match',
  featured: 'Featured',
  newest: 'Newest',
  'price-asc': 'Price, low to high',
  'price-desc': 'Price, high to low',
};

export function bandLabel(band: PriceBand, currency: string, locale: string): string {
  const money = (amount: number) => formatMoney({ amount, currency }, locale).replace(/\.00$/, '');
  if (band.min === 0 && band.max !== null) return `Under ${money(band.max)}`;
  if (band.max === null) return `${money(band.min)} and over`;
  return `${money(band.min)} to ${money(band.max)}`;
}

/** The chips of the filters in force, each a link that removes it, and "Clear all". */
export function ActiveFilters({ view, currency }: { view: ListingView; currency: string }) {
  const { base, params, result } = view;
  const chips: { label: string; href: string }[] = [];
  if (params.category !== undefined) {
    const name = result.facets?.categories.find((c) => c.slug === params.category)?.name ?? params.category;
    chips.push({ label: `Category: ${name}`, href: listingHref(base, without(params, 'category')) });
  }
  const band = result.facets?.price.find((b) => b.key === params.price);
  if (params.price !== undefined) chips.push({ label: band ? bandLabel(band, currency, view.locale) : 'Price', href: listingHref(base, without(params, 'price')) });
  for (const pair of params.option) {
    const cut = pair.indexOf(':');
    chips.push({ label: `${pair.slice(0, cut)}: ${pair.slice(cut + 1)}`, href: listingHref(base, params, { option: params.option.filter((o) => o !== pair) }) });
  }
  if (params.inStock) chips.push({ label: 'In stock', href: listingHref(base, params, { inStock: false }) });
  if (chips.length === 0) return null;
  const cleared: ListingParams = { option: [], inStock: false, page: 1, ...(params.q !== undefined ? { q: params.q } : {}), ...(params.sort ? { sort: params.sort } : {}) };
  return (
    <div class="active-filters">
      <h2 class="visually-hidden">Filters in use</h2>
      <ul class="active-filters__list">
        {chips.map((chip) => (
          <li key={chip.href}>
            <a class="filter-chip" href={chip.href}>
              <span class="visually-hidden">Remove filter </span>
              {chip.label}
              <span aria-hidden="true" class="filter-chip__x">
                ×
              </span>
            </a>
          </li>
        ))}
        <li>
          <a class="active-filters__clear" href={listingHref(base, cleared)}>
            Clear all
          </a>
        </li>
      </ul>
    </div>
  );
}

function Group({ legend, open, children }: { legend: string; open: boolean; children: ComponentChildren }) {
  return (
    <details class="facet" open={open}>
      <summary class="facet__summary">{legend}</summary>
      <fieldset class="facet__body">
        <legend class="visually-hidden">{legend}</legend>
        {children}
      </fieldset>
    </details>
  );
}

function Choice({ type, name, value, checked, label, count, locale }: { type: 'checkbox' | 'radio'; name: string; value: string; checked: boolean; label: string; count?: number; locale: string }) {
  return (
    <label class="facet__choice">
      <input class="checkbox__input" type={type} name={name} value={value} checked={checked} />
      <span class="facet__label">{label}</span>
      {count !== undefined ? (
        <span class="facet__count tabular">
          <span class="visually-hidden">, </span>
          {formatCount(count, locale)}
          <span class="visually-hidden"> products</span>
        </span>
      ) : null}
    </label>
  );
}

/**
 * The filters as one GET form of <details> groups with counts: it works without JavaScript. Groups start
 * closed unless one of their values is chosen, so on a phone the results are one screen away.
 */
export function FilterForm({ view, currency }: { view: ListingView; currency: string }) {
  const { params, result, locale } = view;
  const facets: ListingFacets | undefined = result.facets;
  if (!facets) return null;
  const bands = facets.price.filter((b) => b.count > 0 || b.selected);
  return (
    <form id={formId} class="filters" method="get" action={view.base} aria-label="Filters">
      {params.q !== undefined ? <input type="hidden" name="q" value={params.q} /> : null}
      {view.categories === 'choose' && facets.categories.length > 0 ? (
        <Group legend="Category" open={params.category !== undefined}>
          <Choice type="radio" name="category" value="" checked={params.category === undefined} label="All categories" locale={locale} />
          {facets.categories
            .filter((c) => c.parentId === null || c.slug === params.category || facets.categories.some((p) => p.id === c.parentId && p.slug === params.category))
            .map((c) => (
              <Choice key={c.id} type="radio" name="category" value={c.slug} checked={c.slug === params.category} label={c.name} count={c.count} locale={locale} />
            ))}
        </Group>
      ) : null}
      {view.categories !== 'choose' && view.categories.children.length > 0 ? (
        <nav class="facet facet--links" aria-label="Subcategories">
          <h2 class="facet__summary">Categories</h2>
          <ul class="facet__links">
            {view.categories.children.map((c) => (
              <li key={c.slug}>
                <a href={`/c/${c.slug}`}>
                  {c.name} <span class="facet__count tabular">{formatCount(c.count, locale)}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {bands.length > 0 ? (
        <Group legend="Price" open={params.price !== undefined}>
          <Choice type="radio" name="price" value="" checked={params.price === undefined} label="Any price" locale={locale} />
          {bands.map((b) => (
            <Choice key={b.key} type="radio" name="price" value={b.key} checked={b.selected} label={bandLabel(b, currency, locale)} count={b.count} locale={locale} />
          ))}
        </Group>
      ) : null}
      {facets.options.map((option) => (
        <Group key={option.name} legend={option.name} open={option.values.some((v) => v.selected)}>
          {option.values.map((v) => (
            <Choice key={v.value} type="checkbox" name="option" value={`${option.name}:${v.value}`} checked={v.selected} label={v.value} count={v.count} locale={locale} />
          ))}
        </Group>
      ))}
      <div class="facet facet--flat">
        <Choice type="checkbox" name="stock" value="in" checked={facets.inStock.selected} label="In stock only" count={facets.inStock.count} locale={locale} />
      </div>
      <div class="filters__actions">
        <button class="button" type="submit">
          Apply filters
        </button>
      </div>
    </form>
  );
}

/** "Showing 1–24 of 312" and the sort select, which submits with the filter form. */
/** A listing's total: "1,000+" when it was counted no further than its cap. */
export function formatTotal(result: { total: number; totalCapped?: boolean }, locale: string): string {
  return `${formatCount(result.total, locale)}${result.totalCapped ? '+' : ''}`;
}

export function ListingToolbar({ view }: { view: ListingView }) {
  const { result, params, locale } = view;
  const first = result.offset + 1;
  const last = result.offset + result.items.length;
  const current = params.sort ?? view.sorts[0];
  return (
    <div class="listing-toolbar">
      <p class="listing-toolbar__count tabular" role="status">
        {result.items.length > 0 ? `Showing ${formatCount(first, locale)}–${formatCount(last, locale)} of ${formatTotal(result, locale)}` : `${formatTotal(result, locale)} products`}
      </p>
      <div class="listing-toolbar__sort">
        <label for="listing-sort">Sort by</label>
        <select id="listing-sort" class="field__select" name="sort" form={formId}>
          {view.sorts.map((s) => (
            <option key={s} value={s} selected={s === current}>
              {sortLabels[s]}
            </option>
          ))}
        </select>
        <button class="button button--secondary" type="submit" form={formId}>
          Sort
        </button>
      </div>
    </div>
  );
}

/** Numbered pages around the current one, with first, last, previous and next; `aria-current` marks where we are. */
export function Pagination({ view }: { view: ListingView }) {
  const { result, params, base } = view;
  const pages = Math.max(1, Math.ceil(result.total / result.limit));
  if (pages <= 1) return null;
  const current = params.page;
  const shown = [...new Set([1, current - 2, current - 1, current, current + 1, current + 2, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const href = (n: number) => listingHref(base, params, { page: n });
  return (
    <nav class="pagination" aria-label="Pages">
      <ul>
        {current > 1 ? (
          <li>
            <a href={href(current - 1)} rel="prev">
              <span aria-hidden="true">‹</span>
              <span class="visually-hidden">Previous page</span>
            </a>
          </li>
        ) : null}
        {shown.map((n, i) => (
          <Fragment key={n}>
            {i > 0 && n - shown[i - 1]! > 1 ? (
              <li key={`gap-${n}`} class="pagination__gap" aria-hidden="true">
                …
              </li>
            ) : null}
            <li>
              <a href={href(n)} aria-current={n === current ? 'page' : undefined}>
                <span class="visually-hidden">Page </span>
                {n}
              </a>
            </li>
          </Fragment>
        ))}
        {current < pages ? (
          <li>
            <a href={href(current + 1)} rel="next">
              <span aria-hidden="true">›</span>
              <span class="visually-hidden">Next page</span>
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/**
 * A whole listing: filters beside (or above, on a phone) the results, chips, toolbar, grid and pages.
 * `empty` is what shows when nothing matches.
 */
export function Listing({ view, empty }: { view: ListingView; empty: ComponentChildren }) {
  const currency = view.result.items[0]?.price.currency ?? 'GBP';
  return (
    <div class="listing">
      <aside class="listing__filters">
        <h2 class="listing__filters-title">Filter</h2>
        <FilterForm view={view} currency={currency} />
      </aside>
      <div class="listing__results">
        <ListingToolbar view={view} />
        <ActiveFilters view={view} currency={currency} />
        {view.result.items.length === 0 ? empty : <ProductGrid products={view.result.items} locale={view.locale} eagerCount={4} purchase={view.purchase?.card} />}
        <Pagination view={view} />
      </div>
    </div>
  );
}
