import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { CategoryRow, CategoryTable } from './catalog.tables.js';

export interface CategoryWithCount extends CategoryRow {
  /** Products of every status filed directly under it. */
  product_count: number;
}

/** Every category with its product count, in display order (the tree is small: tens, not thousands). */
export async function findAllCategories(db: Db): Promise<CategoryWithCount[]> {
  const rows = await db
    .selectFrom('category as c')
    .leftJoin(db.selectFrom('product').select(['category_id', sql<string>`count(*)`.as('n')]).groupBy('category_id').as('p'), 'p.category_id', 'c.id')
    .selectAll('c')
    .select(sql<string>`coalesce(p.n, 0)`.as('product_count'))
    .orderBy('c.position')
    .orderBy('c.name')
    .execute();
  return rows.map((r) => ({ ...r, product_count: Number(r.product_count) }));
}

/**
 * Locks the whole tree (every category row) for a change of its shape: two moves at once could otherwise
 * each pass the cycle check and together make a cycle.
 */
export async function lockTree(db: Db): Promise<CategoryRow[]> {
  return db.selectFrom('category').selectAll().orderBy('id').forUpdate().execute();
}

export async function findCategoryById(db: Db, id: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('category').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCategoryIdBySlug(db: Db, slug: string): Promise<string | undefined> {
  return (await db.selectFrom('category').select('id').where('slug', '=', slug).executeTakeFirst())?.id;
}

export async function insertCategoryRow(db: Db, row: Insertable<CategoryTable>): Promise<CategoryRow> {
  return db.insertInto('category').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateCategoryRow(db: Db, id: string, patch: Updateable<CategoryTable>): Promise<CategoryRow> {
  return db.updateTable('category').set({ ...patch, updated_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function updateCategoryPositions(db: Db, ids: readonly string[]): Promise<void> {
  for (const [position, id] of ids.entries()) await db.updateTable('category').set({ position, updated_at: sql`now()` }).where('id', '=', id).execute();
}

export async function countProductsInCategory(db: Db, id: string): Promise<number> {
  const row = await db.selectFrom('product').select((eb) => eb.fn.countAll<string>().as('n')).where('category_id', '=', id).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteCategoryRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('slug_redirect').where('kind', '=', 'category').where('target_id', '=', id).execute();
  await db.deleteFrom('category').where('id', '=', id).execute();
}

export async function nextCategoryPosition(db: Db, parentId: string | null): Promise<number> {
  const row = await db
    .selectFrom('category')
    .select(sql<number>`coalesce(max(position) + 1, 0)`.as('next'))
    .where((eb) => (parentId === null ? eb('parent_id', 'is', null) : eb('parent_id', '=', parentId)))
    .executeTakeFirstOrThrow();
  return Number(row.next);
}
