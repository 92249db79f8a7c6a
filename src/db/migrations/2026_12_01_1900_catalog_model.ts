import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('category')
    .addColumn('parent_id', 'uuid', (c) => c.references('category.id').onDelete('restrict'))
    .addColumn('seo_title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('seo_description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table category add constraint category_not_own_parent check (parent_id is null or parent_id <> id)`.execute(db);
  await db.schema.createIndex('category_parent_idx').on('category').column('parent_id').execute();

  // Options in display order, e.g. [{"name":"Colour","values":["Sage","Ink"]},{"name":"Size","values":["S","M"]}];
  // each variant's `options` names one value per option.
  await db.schema
    .alterTable('product')
    .addColumn('options', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    // The Markdown source is `description`; its sanitised HTML is rendered once, on write.
    .addColumn('description_html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('seo_title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('seo_description', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`create index product_tags_idx on product using gin (tags)`.execute(db);
  await db.schema.createIndex('product_status_created_idx').on('product').columns(['status', 'created_at']).execute();

  await db.schema
    .alterTable('product_variant')
    .addColumn('weight_grams', 'integer', (c) => c.check(sql`weight_grams is null or weight_grams >= 0`))
    .addColumn('barcode', 'text')
    .execute();

  // Responsive renditions: `storage_key` is the base key; each of `widths` exists in each of `formats`.
  // An image without widths is a single file at `storage_key`.
  await db.schema
    .alterTable('product_image')
    .addColumn('widths', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'::integer[]`))
    .addColumn('formats', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();

  // Every slug a product or category has had, so old links answer 301 to the current one.
  await db.schema
    .createTable('slug_redirect')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('product', 'category', 'collection')`))
    .addColumn('old_slug', 'text', (c) => c.notNull())
    .addColumn('target_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('slug_redirect_pk', ['kind', 'old_slug'])
    .execute();

  await db.schema
    .createTable('collection')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('slug', 'text', (c) => c.notNull().unique().check(sql`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description_html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('manual', 'rule')`))
    // Rule collections: {"match":"all"|"any","rules":[{"field":"category"|"tag"|"price"|"on_sale","op":...,"value":...}]}
    .addColumn('rules', 'jsonb', (c) => c.notNull().defaultTo(sql`'{"match":"all","rules":[]}'::jsonb`))
    .addColumn('published', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('seo_title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('seo_description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('collection_product')
    .addColumn('collection_id', 'uuid', (c) => c.notNull().references('collection.id').onDelete('cascade'))
    .addColumn('product_id', 'uuid', (c) => c.notNull().references('product.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('collection_product_pk', ['collection_id', 'product_id'])
    .execute();
  await db.schema.createIndex('collection_product_product_idx').on('collection_product').column('product_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('collection_product').execute();
  await db.schema.dropTable('collection').execute();
  await db.schema.dropTable('slug_redirect').execute();
  await db.schema.alterTable('product_image').dropColumn('widths').dropColumn('formats').execute();
  await db.schema.alterTable('product_variant').dropColumn('weight_grams').dropColumn('barcode').execute();
  await db.schema.alterTable('product').dropColumn('options').dropColumn('tags').dropColumn('description_html').dropColumn('seo_title').dropColumn('seo_description').execute();
  await db.schema.alterTable('category').dropColumn('parent_id').dropColumn('seo_title').dropColumn('seo_description').dropColumn('updated_at').execute();
}
