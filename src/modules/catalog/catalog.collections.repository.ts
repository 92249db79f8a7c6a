import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { CollectionTable } from './catalog.tables.js';

export type CollectionRow = Awaited<ReturnType<typeof findCollectionById>> & object;

const columns = ['id', 'slug', 'title', 'description', 'description_html', 'kind', 'rules', 'published', 'seo_title', 'seo_description', 'position', 'created_at', 'updated_at'] as const;

export async function findCollectionById(db: Db, id: string) {
  return db.selectFrom('collection').select(columns).where('id', '=', id).executeTakeFirst();
}

export async function findCollectionBySlug(db: Db, slug: string, publishedOnly: boolean) {
  let q = db.selectFrom('collection').select(columns).where('slug', '=', slug);
  if (publishedOnly) q = q.where('published', '=', true);
  return q.executeTakeFirst();
}

/** Every collection in display order, with how many products a hand-picked one holds. */
export async function findCollections(db: Db, publishedOnly: boolean) {
  let q = db
    .selectFrom('collection as c')
    .select(columns.map((c) => `c.${c}` as const))
    .select((eb) => eb.selectFrom('collection_product as cp').whereRef('cp.collection_id', '=', 'c.id').select(eb.fn.countAll<string>().as('n')).as('product_count'));
  if (publishedOnly) q = q.where('c.published', '=', true);
  const rows = await q.orderBy('c.position').orderBy('c.title').execute();
  return rows.map((r) => ({ ...r, product_count: Number(r.product_count ?? 0) }));
}

export async function insertCollectionRow(db: Db, row: Insertable<CollectionTable>): Promise<string> {
  return (await db.insertInto('collection').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateCollectionRow(db: Db, id: string, patch: Updateable<CollectionTable>): Promise<void> {
  await db.updateTable('collection').set({ ...patch, updated_at: sql`now()` }).where('id', '=', id).execute();
}

export async function lockCollection(db: Db, id: string) {
  return db.selectFrom('collection').select(columns).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function deleteCollectionRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('slug_redirect').where('kind', '=', 'collection').where('target_id', '=', id).execute();
  await db.deleteFrom('collection').where('id', '=', id).execute();
}

export async function nextCollectionPosition(db: Db): Promise<number> {
  const row = await db.selectFrom('collection').select(sql<number>`coalesce(max(position) + 1, 0)`.as('next')).executeTakeFirstOrThrow();
  return Number(row.next);
}

/** The products of a hand-picked collection, in order. */
export async function findCollectionProducts(db: Db, collectionId: string): Promise<{ id: string; slug: string; name: string; status: string }[]> {
  return db
    .selectFrom('collection_product as cp')
    .innerJoin('product as p', 'p.id', 'cp.product_id')
    .select(['p.id', 'p.slug', 'p.name', 'p.status'])
    .where('cp.collection_id', '=', collectionId)
    .orderBy('cp.position')
    .execute();
}

export async function replaceCollectionProducts(db: Db, collectionId: string, productIds: readonly string[]): Promise<void> {
  await db.deleteFrom('collection_product').where('collection_id', '=', collectionId).execute();
  if (productIds.length > 0) await db.insertInto('collection_product').values(productIds.map((product_id, position) => ({ collection_id: collectionId, product_id, position }))).execute();
}

/** Products named by slug or by one of their variants' SKUs: ref → product id. */
export async function findProductsByRef(db: Db, refs: readonly string[]): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map();
  const [bySlug, bySku] = await Promise.all([
    db.selectFrom('product').select(['id', 'slug']).where('slug', 'in', refs).execute(),
    db.selectFrom('product_variant').select(['product_id', 'sku']).where('sku', 'in', refs).execute(),
  ]);
  return new Map([...bySku.map((r) => [r.sku, r.product_id] as const), ...bySlug.map((r) => [r.slug, r.id] as const)]);
}

export async function categoryIdsExist(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('category').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** Every collection with the product ids of hand-picked ones in order: what the search indexer needs. */
export async function findDefinitions(db: Db) {
  return db
    .selectFrom('collection as c')
    .select(['c.id', 'c.slug', 'c.kind', 'c.rules', 'c.published'])
    .select(sql<string[]>`coalesce((select array_agg(cp.product_id order by cp.position) from collection_product cp where cp.collection_id = c.id), '{}')`.as('product_ids'))
    .orderBy('c.position')
    .execute();
}
