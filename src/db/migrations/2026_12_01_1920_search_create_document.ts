import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  // One row per product holding everything a listing, a filter, a sort or a facet needs, so browsing and
  // search read one indexed table and never aggregate variants, images or stock per request.
  await db.schema
    .createTable('search_document')
    .addColumn('product_id', 'uuid', (c) => c.primaryKey().references('product.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category_id', 'uuid', (c) => c.notNull())
    // The product's category and its ancestors, so a parent category lists its children's products.
    .addColumn('category_path', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'::uuid[]`))
    .addColumn('category_slug', 'text', (c) => c.notNull())
    .addColumn('category_name', 'text', (c) => c.notNull())
    // Collections the product belongs to, hand-picked or by rule, worked out by the indexer.
    .addColumn('collection_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'::uuid[]`))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('featured', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('price_min', 'integer', (c) => c.notNull())
    .addColumn('price_max', 'integer', (c) => c.notNull())
    .addColumn('compare_at_amount', 'integer')
    .addColumn('on_sale', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('available', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('in_stock', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('low_stock_threshold', 'integer', (c) => c.notNull().defaultTo(5))
    // The card image: {key, alt, width, height, widths, formats} or null.
    .addColumn('image', 'jsonb')
    // Facet values as 'name:value' strings, e.g. 'option:Colour=Sage', 'category:<id>', 'price:2000-5000'.
    .addColumn('facets', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('document', sql`tsvector`, (c) => c.notNull())
    // Name, SKUs and tags in lower case, for typo-tolerant matching with pg_trgm.
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('product_created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index search_document_document_idx on search_document using gin (document)`.execute(db);
  await sql`create index search_document_trgm_idx on search_document using gin (search_text gin_trgm_ops)`.execute(db);
  await sql`create index search_document_facets_idx on search_document using gin (facets)`.execute(db);
  await sql`create index search_document_collections_idx on search_document using gin (collection_ids)`.execute(db);
  await sql`create index search_document_category_path_idx on search_document using gin (category_path)`.execute(db);
  await sql`create index search_document_newest_idx on search_document (status, product_created_at desc, product_id)`.execute(db);
  await sql`create index search_document_price_idx on search_document (status, price_min, product_id)`.execute(db);
  await sql`create index search_document_featured_idx on search_document (status, featured desc, product_created_at desc, product_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_document').execute();
}
