import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A category's newest active products, read in order and stopped at the first: the cover image of a
  // category tile costs one index probe, however many products the category holds.
  await sql`create index product_category_newest_idx on product (category_id, status, created_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('product_category_newest_idx').execute();
}
