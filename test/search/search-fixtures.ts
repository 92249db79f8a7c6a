import type { Db } from '../../src/db/database.js';

export interface VariantSpec {
  options: Record<string, string>;
  price: number;
  compareAt?: number;
  stock: number;
}

export interface ProductSpec {
  name: string;
  categoryId: string;
  variants: VariantSpec[];
  tags?: string[];
  status?: 'active' | 'draft' | 'archived';
  description?: string;
  createdAt?: Date;
}

const slugify = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A category straight into the catalog's table (the categories admin is another part's). */
export async function makeCategory(db: Db, name: string, parentId: string | null = null): Promise<string> {
  const { id } = await db
    .insertInto('category')
    .values({ slug: slugify(name), name, description: `${name} for tests.`, position: 100, parent_id: parentId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A product with its variants and stock levels, as the product admin would leave it. */
export async function makeProduct(db: Db, spec: ProductSpec): Promise<string> {
  const slug = slugify(spec.name);
  const optionNames = [...new Set(spec.variants.flatMap((v) => Object.keys(v.options)))];
  const options = optionNames.map((name) => ({ name, values: [...new Set(spec.variants.map((v) => v.options[name]).filter((v): v is string => v !== undefined))] }));
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('product')
      .values({
        slug,
        name: spec.name,
        description: spec.description ?? `${spec.name}, made for the test catalog.`,
        category_id: spec.categoryId,
        status: spec.status ?? 'active',
        options: JSON.stringify(options),
        tags: spec.tags ?? [],
        ...(spec.createdAt ? { created_at: spec.createdAt, updated_at: spec.createdAt } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const variants = await trx
      .insertInto('product_variant')
      .values(
        spec.variants.map((v, i) => ({
          product_id: id,
          sku: `${slug}-${Object.values(v.options).map(slugify).join('-')}`.toUpperCase(),
          title: Object.values(v.options).join(' / '),
          options: JSON.stringify(v.options),
          price_amount: v.price,
          compare_at_amount: v.compareAt ?? null,
          currency: 'GBP',
          position: i,
        })),
      )
      .returning(['id', 'position'])
      .execute();
    await trx
      .insertInto('inventory_level')
      .values(variants.map((v) => ({ variant_id: v.id, product_id: id, on_hand: spec.variants[v.position]!.stock, reserved: 0 })))
      .execute();
    return id;
  });
}
