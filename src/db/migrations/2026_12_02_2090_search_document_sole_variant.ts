import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A product with exactly one variant can be added to the cart from its card in a listing: the document
  // keeps that variant's id (null when there are options to choose).
  await db.schema.alterTable('search_document').addColumn('sole_variant_id', 'uuid').execute();
  // The documents already written get it now, as the indexer would write it, rather than waiting for
  // each product's next change.
  await sql`
    update search_document d
    set sole_variant_id = v.id
    from (select product_id, (array_agg(id))[1] as id from product_variant group by product_id having count(*) = 1) v
    where v.product_id = d.product_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('search_document').dropColumn('sole_variant_id').execute();
}
