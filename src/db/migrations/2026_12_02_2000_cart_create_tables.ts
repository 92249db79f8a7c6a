import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
/**
 * Carts and their lines. A guest cart is found by the SHA-256 of the token in its cookie (the token
 * itself is never stored); a customer's open cart by the customer (one open cart each). Lines name a
 * variant without a foreign key, so a variant deleted from the catalog leaves a line the cart shows as
 * no longer available rather than one that silently vanishes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cart')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'bytea', (c) => c.unique())
    .addColumn('customer_id', 'uuid')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'ordered', 'merged')`))
    .addColumn('order_id', 'uuid')
    .addColumn('discount_code', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('cart_open_customer_key').unique().on('cart').column('customer_id').where(sql.ref('status'), '=', 'open').execute();
  await db.schema.createIndex('cart_order_idx').on('cart').column('order_id').execute();

  await db.schema
    .createTable('cart_line')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('cart_id', 'uuid', (c) => c.notNull().references('cart.id').onDelete('cascade'))
    .addColumn('variant_id', 'uuid', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    // The unit price when the shopper added it: a later repricing is shown, never applied silently.
    .addColumn('unit_price_amount', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('cart_line_variant_key').unique().on('cart_line').columns(['cart_id', 'variant_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cart_line').execute();
  await db.schema.dropTable('cart').execute();
}
