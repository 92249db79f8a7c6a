import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A checkout in progress, one per cart (checkout module). The contact and addresses are sealed as one
  // value bound to the row id; the rest are choices. No foreign key to the cart: the cart module owns its
  // table's life, and a checkout row outlives nothing it needs (stale rows are purged by age).
  await db.schema
    .createTable('checkout_session')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('cart_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('customer_id', 'uuid')
    .addColumn('details_encrypted', 'bytea')
    .addColumn('shipping_method_id', 'text', (c) => c.check(sql`char_length(shipping_method_id) <= 100`))
    .addColumn('provider', 'text', (c) => c.check(sql`provider in ('test', 'stripe', 'paypal')`))
    .addColumn('discount_code', 'text', (c) => c.check(sql`char_length(discount_code) <= 64`))
    .addColumn('attempt_key', 'text', (c) => c.unique().check(sql`char_length(attempt_key) <= 160`))
    .addColumn('order_id', 'uuid')
    .addColumn('order_number', 'text')
    .addColumn('access_hash', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checkout_session_order_number_idx').on('checkout_session').column('order_number').execute();
  await db.schema.createIndex('checkout_session_customer_idx').on('checkout_session').column('customer_id').execute();
  await db.schema.createIndex('checkout_session_updated_idx').on('checkout_session').column('updated_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('checkout_session').ifExists().execute();
}
