import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import type { DocumentInput } from './search.documents.js';
import type { SearchDocumentRow } from './search.tables.js';

/** The text configuration of every tsvector and tsquery here: English stems, so "shirts" finds "shirt". */
const config = sql.lit('english');

/** Writes (or rewrites) documents, one statement for the batch. */
export async function upsertDocuments(db: Db, docs: readonly DocumentInput[]): Promise<void> {
  if (docs.length === 0) return;
  await db
    .insertInto('search_document')
    .values(
      docs.map((d) => ({
        product_id: d.productId,
        status: d.status,
        slug: d.slug,
        name: d.name,
        category_id: d.categoryId,
        category_path: d.categoryPath,
        category_slug: d.categorySlug,
        category_name: d.categoryName,
        collection_ids: d.collectionIds,
        tags: d.tags,
        featured: d.featured,
        currency: d.currency,
        price_min: d.priceMin,
        price_max: d.priceMax,
        compare_at_amount: d.compareAtAmount,
        on_sale: d.onSale,
        available: d.available,
        in_stock: d.inStock,
        low_stock_threshold: d.lowStockThreshold,
        image: d.image === null ? null : JSON.stringify(d.image),
        sole_variant_id: d.soleVariantId,
        facets: d.facets,
        document: sql`setweight(to_tsvector(${config}, ${d.text.a}), 'A') || setweight(to_tsvector(${config}, ${d.text.b}), 'B') || setweight(to_tsvector(${config}, ${d.text.c}), 'C')`,
        search_text: d.searchText,
        product_created_at: d.productCreatedAt,
        updated_at: new Date(),
      })),
    )
    .onConflict((oc) =>
      oc.column('product_id').doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        slug: eb.ref('excluded.slug'),
        name: eb.ref('excluded.name'),
        category_id: eb.ref('excluded.category_id'),
        category_path: eb.ref('excluded.category_path'),
        category_slug: eb.ref('excluded.category_slug'),
        category_name: eb.ref('excluded.category_name'),
        collection_ids: eb.ref('excluded.collection_ids'),
        tags: eb.ref('excluded.tags'),
        featured: eb.ref('excluded.featured'),
        currency: eb.ref('excluded.currency'),
        price_min: eb.ref('excluded.price_min'),
        price_max: eb.ref('excluded.price_max'),
        compare_at_amount: eb.ref('excluded.compare_at_amount'),
        on_sale: eb.ref('excluded.on_sale'),
        available: eb.ref('excluded.available'),
        in_stock: eb.ref('excluded.in_stock'),
        low_stock_threshold: eb.ref('excluded.low_stock_threshold'),
        image: eb.ref('excluded.image'),
        sole_variant_id: eb.ref('excluded.sole_variant_id'),
        facets: eb.ref('excluded.facets'),
        document: eb.ref('excluded.document'),
        search_text: eb.ref('excluded.search_text'),
        product_created_at: eb.ref('excluded.product_created_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export async function deleteDocuments(db: Db, productIds: readonly string[]): Promise<void> {
  if (productIds.length === 0) return;
  await db.deleteFrom('search_document').where('product_id', 'in', productIds).execute();
}

/** Documents left by products that no longer exist in the given id range (a rebuild's sweep). */
export async function deleteDocumentsNotIn(db: Db, range: { after: string | null; upTo: string | null }, keep: readonly string[]): Promise<void> {
  let q = db.deleteFrom('search_document');
  if (range.after !== null) q = q.where('product_id', '>', range.after);
  if (range.upTo !== null) q = q.where('product_id', '<=', range.upTo);
  if (keep.length > 0) q = q.where('product_id', 'not in', keep);
  await q.execute();
}

export async function hasDocuments(db: Db): Promise<boolean> {
  const row = await db.selectFrom('search_document').select('product_id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Adds words to the vocabulary typo tolerance draws on; words known already are left as they are. */
export async function insertWords(db: Db, words: readonly string[]): Promise<void> {
  if (words.length === 0) return;
  await db
    .insertInto('search_word')
    .values(words.map((word) => ({ word })))
    .onConflict((oc) => oc.column('word').doNothing())
    .execute();
}

/**
 * Known words near each given one, closest first (pg_trgm similarity, through the trigram index). A long
 * word must come closer than a short one, where one typo costs more of its few trigrams.
 */
export async function findSimilarWords(db: Db, terms: readonly string[], perTerm: number): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (terms.length === 0) return found;
  const result = await sql<{ term: string; word: string }>`
    select t.term, w.word
    from unnest(${textArray(terms)}) as t(term)
    cross join lateral (
      select word, similarity(word, t.term) as s from search_word
      where word % t.term and word <> t.term
      order by s desc, word limit ${perTerm}
    ) w
    where w.s >= case when length(t.term) >= 6 then 0.45 else 0.3 end`.execute(db);
  for (const row of result.rows) found.set(row.term, [...(found.get(row.term) ?? []), row.word]);
  return found;
}

/** What a listing filters on; every field narrows the set (options: OR within a group, AND across). */
export interface DocumentFilter {
  /** Full text as tsquery source built from clean words only: `match` filters, `rank` orders. */
  text?: { match: string; rank: string };
  categoryId?: string;
  collectionId?: string;
  priceMin?: number;
  priceMax?: number;
  optionGroups: { prefix: string; facets: string[] }[];
  inStock: boolean;
}

export type DocumentSort = 'relevance' | 'price-asc' | 'price-desc' | 'newest' | 'featured';

const textArray = (values: readonly string[]): RawBuilder<string[]> => sql<string[]>`array[${sql.join(values.map((v) => sql`${v}`))}]::text[]`;

/** Conditions every row of a listing meets whatever facet is being counted. */
function baseConditions(filter: DocumentFilter): RawBuilder<boolean>[] {
  const conds: RawBuilder<boolean>[] = [sql<boolean>`status = 'active'`];
  if (filter.text) conds.push(sql<boolean>`document @@ to_tsquery(${config}, ${filter.text.match})`);
  if (filter.categoryId !== undefined) conds.push(sql<boolean>`category_path @> array[${filter.categoryId}]::uuid[]`);
  if (filter.collectionId !== undefined) conds.push(sql<boolean>`collection_ids @> array[${filter.collectionId}]::uuid[]`);
  return conds;
}

function priceCondition(filter: DocumentFilter): RawBuilder<boolean> | undefined {
  const parts: RawBuilder<boolean>[] = [];
  if (filter.priceMin !== undefined) parts.push(sql<boolean>`price_min >= ${filter.priceMin}`);
  if (filter.priceMax !== undefined) parts.push(sql<boolean>`price_min <= ${filter.priceMax}`);
  return parts.length === 0 ? undefined : sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

/** Conditions a facet group lifts when its own values are counted (so a shopper sees the alternatives). */
function facetConditions(filter: DocumentFilter): { prefix: string | null; exact: string | null; cond: RawBuilder<boolean> }[] {
  const conds: { prefix: string | null; exact: string | null; cond: RawBuilder<boolean> }[] = filter.optionGroups.map((g) => ({
    prefix: g.prefix,
    exact: null,
    cond: sql<boolean>`facets && ${textArray(g.facets)}`,
  }));
  const price = priceCondition(filter);
  if (price) conds.push({ prefix: 'price:', exact: null, cond: price });
  if (filter.inStock) conds.push({ prefix: null, exact: 'stock:in', cond: sql<boolean>`in_stock` });
  return conds;
}

const and = (conds: readonly RawBuilder<boolean>[]): RawBuilder<boolean> => (conds.length === 0 ? sql<boolean>`true` : sql<boolean>`${sql.join(conds, sql` and `)}`);

function whereAll(filter: DocumentFilter): RawBuilder<boolean> {
  return and([...baseConditions(filter), ...facetConditions(filter).map((c) => c.cond)]);
}

function orderBy(sort: DocumentSort, filter: DocumentFilter): RawBuilder<unknown> {
  switch (sort) {
    case 'price-asc':
      return sql`price_min asc, product_id asc`;
    case 'price-desc':
      return sql`price_min desc, product_id desc`;
    case 'newest':
      return sql`product_created_at desc, product_id asc`;
    case 'featured':
      return sql`featured desc, product_created_at desc, product_id asc`;
    case 'relevance':
      if (!filter.text) return sql`featured desc, product_created_at desc, product_id asc`;
      return sql`ts_rank_cd(document, to_tsquery(${config}, ${filter.text.rank}), 1) desc, product_created_at desc, product_id asc`;
  }
}

export type ListingRow = Pick<
  SearchDocumentRow,
  'product_id' | 'slug' | 'name' | 'category_slug' | 'category_name' | 'currency' | 'price_min' | 'compare_at_amount' | 'available' | 'low_stock_threshold' | 'image' | 'sole_variant_id'
>;

/**
 * One page of matching documents in the asked order: an index scan for the plain sorts. Relevance ranks
 * only the first `rankCap` matches the text index yields (`ts_rank_cd` reads every candidate's positions,
 * the cost that grew with the catalog): exact whenever there are no more matches than that.
 */
export async function findPage(db: Db, filter: DocumentFilter, sort: DocumentSort, limit: number, offset: number, rankCap: number): Promise<ListingRow[]> {
  const columns = sql`product_id, slug, name, category_slug, category_name, currency, price_min, compare_at_amount, available, low_stock_threshold, image, sole_variant_id`;
  const from =
    sort === 'relevance' && filter.text
      ? sql`(select ${columns}, document, featured, product_created_at from search_document where ${whereAll(filter)} limit ${rankCap}) d`
      : sql`search_document where ${whereAll(filter)}`;
  const result = await sql<ListingRow>`
    select ${columns}
    from ${from}
    order by ${orderBy(sort, filter)}
    limit ${limit} offset ${offset}`.execute(db);
  return result.rows;
}

/**
 * How many documents match, counting no further than `cap` + 1: the count stops at a LIMIT, so it costs the
 * same however large the catalog grows. A result above `cap` means "more than `cap`".
 */
export async function countMatches(db: Db, filter: DocumentFilter, cap: number): Promise<number> {
  const result = await sql<{ n: string | number }>`select count(*) as n from (select 1 from search_document where ${whereAll(filter)} limit ${cap + 1}) m`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** The marker every matching document carries in the facet count, so one query also gives the total. */
export const totalMarker = '*';

/**
 * Facet values with their counts over the matching set, in one pass: each value is counted with every
 * filter except its own group's, so ticking "Sage" still shows how many "Ink" there are. The row of
 * `totalMarker` counts the matches themselves.
 *
 * Only the first `cap` documents meeting the base conditions (text, category, collection) are read, so
 * the cost is bounded whatever the catalog's size: counts are exact up to `cap` such documents and a
 * sample of them beyond (the caller says so).
 */
export async function countFacets(db: Db, filter: DocumentFilter, cap: number): Promise<{ value: string; n: number }[]> {
  const lifts = facetConditions(filter);
  const bounded = sql`(select facets, price_min, in_stock from search_document where ${and(baseConditions(filter))} limit ${cap}) d`;
  if (lifts.length === 0) {
    // No facet filter in force: every value counts every row it is on.
    const plain = await sql<{ value: string; n: string | number }>`
      select f.value, count(*) as n
      from ${bounded} cross join lateral unnest(d.facets || array[${totalMarker}]::text[]) as f(value)
      group by f.value`.execute(db);
    return plain.rows.map((r) => ({ value: r.value, n: Number(r.n) }));
  }
  const counted = lifts.map((l) => {
    const own = l.prefix !== null ? sql<boolean>`starts_with(f.value, ${l.prefix})` : sql<boolean>`f.value = ${l.exact}`;
    return sql<boolean>`(${own} or ${l.cond})`;
  });
  // The total obeys every filter, including the lifted ones.
  const total = and(lifts.map((l) => l.cond));
  const result = await sql<{ value: string; n: string | number }>`
    select f.value, count(*) filter (where case when f.value = ${totalMarker} then ${total} else ${and(counted)} end) as n
    from ${bounded} cross join lateral unnest(d.facets || array[${totalMarker}]::text[]) as f(value)
    group by f.value`.execute(db);
  return result.rows.map((r) => ({ value: r.value, n: Number(r.n) }));
}
