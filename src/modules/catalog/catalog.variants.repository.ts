import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

export interface VariantInfoRow {
  id: string;
  product_id: string;
  product_name: string;
  product_slug: string;
  sku: string;
  title: string;
}

export async function findVariantInfo(db: Db, variantIds: readonly string[]): Promise<VariantInfoRow[]> {
  if (variantIds.length === 0) return [];
  return db
    .selectFrom('product_variant as v')
    .innerJoin('product as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.product_id', 'p.name as product_name', 'p.slug as product_slug', 'v.sku', 'v.title'])
    .where('v.id', 'in', variantIds)
    .execute();
}

/** Variants whose SKU starts with `q` or whose product name contains it (case-insensitive, wildcards literal). */
export async function searchVariantIds(db: Db, q: string, limit: number): Promise<string[]> {
  const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db
    .selectFrom('product_variant as v')
    .innerJoin('product as p', 'p.id', 'v.product_id')
    .select('v.id')
    .where((eb) => eb.or([eb(sql`lower(v.sku)`, 'like', `${escaped.toLowerCase()}%`), eb('p.name', 'ilike', `%${escaped}%`)]))
    .orderBy('v.sku')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
