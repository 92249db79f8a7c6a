import { listingSorts, type ListingFilters, type ListingSort } from '../catalog.browse.js';

/**
 * A listing's state as it travels in the URL (?q=&category=&price=&option=Colour:Sage&stock=in&sort=&page=),
 * so filters, sort and page work without JavaScript and can be shared. Pages read it leniently: a value
 * that does not parse is dropped, never an error.
 */
export interface ListingParams {
  q?: string;
  /** A category slug (search and collection pages; a category page has its own in the path). */
  category?: string;
  /** A price band key in minor units, e.g. '2500-5000' (max exclusive) or '20000-'. */
  price?: string;
  /** 'Name:Value' pairs. */
  option: string[];
  inStock: boolean;
  sort?: ListingSort;
  page: number;
}

export const listingPageSize = 24;
const maxPage = 10_000;
const maxOptions = 30;

const first = (value: unknown): string | undefined => {
  const v: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof v === 'string' ? v : undefined;
};

const slugPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const bandPattern = /^(\d{1,9})-(\d{1,9})?$/;

export function parseListingParams(raw: unknown): ListingParams {
  const query = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const q = first(query.q);
  const category = first(query.category);
  const price = first(query.price);
  const sort = first(query.sort);
  const page = Number(first(query.page) ?? '1');
  const options = (Array.isArray(query.option) ? query.option : [query.option])
    .filter((o): o is string => typeof o === 'string' && o.includes(':') && o.length <= 200)
    .slice(0, maxOptions);
  return {
    ...(q !== undefined && q.trim() !== '' ? { q: q.slice(0, 1_000) } : {}),
    ...(category !== undefined && category.length <= 120 && slugPattern.test(category) ? { category } : {}),
    ...(price !== undefined && bandPattern.test(price) ? { price } : {}),
    option: [...new Set(options)],
    inStock: first(query.stock) === 'in',
    ...(sort !== undefined && (listingSorts as readonly string[]).includes(sort) ? { sort: sort as ListingSort } : {}),
    page: Number.isInteger(page) && page >= 1 && page <= maxPage ? page : 1,
  };
}

/** The filters the params name (category and text are resolved by the page). */
export function listingFilters(params: ListingParams): Pick<ListingFilters, 'priceMin' | 'priceMax' | 'options' | 'inStock'> {
  const options: Record<string, string[]> = {};
  for (const pair of params.option) {
    const cut = pair.indexOf(':');
    const name = pair.slice(0, cut);
    const value = pair.slice(cut + 1);
    if (name === '' || value === '') continue;
    (options[name] ??= []).push(value);
  }
  const band = params.price !== undefined ? bandPattern.exec(params.price) : null;
  return {
    ...(band ? { priceMin: Number(band[1]) } : {}),
    ...(band?.[2] !== undefined ? { priceMax: Number(band[2]) - 1 } : {}),
    options,
    inStock: params.inStock,
  };
}

/** The URL of the listing at `base` with `params` changed by `change`; a change of filter goes back to page 1. */
export function listingHref(base: string, params: ListingParams, change: Partial<ListingParams> = {}): string {
  const next: ListingParams = { ...params, ...(change.page === undefined ? { page: 1 } : {}), ...change };
  const search = new URLSearchParams();
  if (next.q !== undefined) search.set('q', next.q);
  if (next.category !== undefined) search.set('category', next.category);
  if (next.price !== undefined) search.set('price', next.price);
  for (const o of next.option) search.append('option', o);
  if (next.inStock) search.set('stock', 'in');
  if (next.sort !== undefined) search.set('sort', next.sort);
  if (next.page > 1) search.set('page', String(next.page));
  const qs = search.toString();
  return qs === '' ? base : `${base}?${qs}`;
}

/** Removes a key from a params object (for "remove this filter" links). */
export function without<K extends 'q' | 'category' | 'price' | 'sort'>(params: ListingParams, key: K): ListingParams {
  const { [key]: _removed, ...rest } = params;
  return rest as ListingParams;
}
