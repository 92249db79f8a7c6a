import { sql, type Kysely } from 'kysely';

const statuses = ['pending_payment', 'paid', 'partially_fulfilled', 'fulfilled', 'delivered', 'cancelled', 'partially_refunded', 'refunded'];

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Human-friendly numbers (B10001, B10002...): a sequence, so two instances never hand out the same one.
  // Gaps (a rolled-back order) are harmless: the number is a name, not an invoice count.
  await sql`create sequence order_number_seq start with 10001`.execute(db);

  await db.schema
    .createTable('order')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique().defaultTo(sql`'B' || nextval('order_number_seq')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${sql.join(statuses.map((s) => sql.lit(s)))})`))
    // Null for a guest, and after the account is deleted (the order stays, without the person).
    .addColumn('customer_id', 'uuid', (c) => c.references('user_account.id').onDelete('set null'))
    // The e-mail address sealed, and its blind index for staff search; both null once erased.
    .addColumn('email_encrypted', 'bytea')
    .addColumn('email_index', 'bytea')
    .addColumn('cart_id', 'uuid')
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('tax_inclusive', 'boolean', (c) => c.notNull())
    .addColumn('subtotal_amount', 'integer', (c) => c.notNull().check(sql`subtotal_amount >= 0`))
    .addColumn('discount_amount', 'integer', (c) => c.notNull().check(sql`discount_amount >= 0`))
    .addColumn('shipping_amount', 'integer', (c) => c.notNull().check(sql`shipping_amount >= 0`))
    .addColumn('tax_amount', 'integer', (c) => c.notNull().check(sql`tax_amount >= 0`))
    .addColumn('total_amount', 'integer', (c) => c.notNull().check(sql`total_amount >= 0`))
    .addColumn('refunded_amount', 'integer', (c) => c.notNull().defaultTo(0).check(sql`refunded_amount >= 0`))
    .addColumn('shipping_method_id', 'text')
    .addColumn('shipping_method_name', 'text')
    .addColumn('discount_id', 'uuid')
    .addColumn('discount_code', 'text')
    .addColumn('provider', 'text', (c) => c.notNull())
    // Random per order, mixed into the guest link's HMAC: a new value revokes the links sent so far.
    .addColumn('link_nonce', 'bytea', (c) => c.notNull())
    .addColumn('hold_expires_at', 'timestamptz', (c) => c.notNull())
    // A staff cancellation of a paid order waits for its full refund to land.
    .addColumn('cancel_requested_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('erased_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table "order" add constraint order_total_adds_up check (refunded_amount <= total_amount)`.execute(db);
  await db.schema.createIndex('order_created_idx').on('order').column('created_at').execute();
  await db.schema.createIndex('order_status_created_idx').on('order').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('order_customer_idx').on('order').columns(['customer_id', 'created_at']).execute();
  await db.schema.createIndex('order_email_index_idx').on('order').column('email_index').execute();

  // A snapshot of each line as it was sold: later catalog changes never rewrite an order.
  await db.schema
    .createTable('order_line')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('order.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('variant_id', 'uuid', (c) => c.notNull())
    .addColumn('product_id', 'uuid', (c) => c.notNull())
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('variant_title', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('unit_price_amount', 'integer', (c) => c.notNull().check(sql`unit_price_amount >= 0`))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('subtotal_amount', 'integer', (c) => c.notNull())
    .addColumn('discount_amount', 'integer', (c) => c.notNull())
    .addColumn('tax_amount', 'integer', (c) => c.notNull())
    .addColumn('total_amount', 'integer', (c) => c.notNull())
    .addColumn('fulfilled_quantity', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`alter table order_line add constraint order_line_fulfilled_within check (fulfilled_quantity >= 0 and fulfilled_quantity <= quantity)`.execute(db);
  await db.schema.createIndex('order_line_order_idx').on('order_line').columns(['order_id', 'position']).execute();

  // Shipping and billing addresses, each sealed as one JSON value bound to its row.
  await db.schema
    .createTable('order_address')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('order.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('shipping', 'billing')`))
    .addColumn('address_encrypted', 'bytea', (c) => c.notNull())
    .addUniqueConstraint('order_address_kind_unique', ['order_id', 'kind'])
    .execute();

  // The order's history: each transition, payment facts, mails, staff actions (never personal data).
  await db.schema
    .createTable('order_event')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('order.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await db.schema.createIndex('order_event_order_idx').on('order_event').columns(['order_id', 'created_at']).execute();

  // One row per idempotency key, written first in the order's transaction: a concurrent twin's insert
  // waits on the unique index until this transaction ends, then finds the order.
  await db.schema
    .createTable('order_idempotency')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Checked at commit: the key is claimed before the order row exists, in the same transaction.
  await sql`alter table order_idempotency add constraint order_idempotency_order_fk foreign key (order_id)
    references "order" (id) on delete cascade deferrable initially deferred`.execute(db);

  await db.schema
    .createTable('fulfilment')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('order.id').onDelete('cascade'))
    .addColumn('carrier', 'text')
    .addColumn('tracking_number', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('fulfilment_order_idx').on('fulfilment').column('order_id').execute();
  await db.schema
    .createTable('fulfilment_line')
    .addColumn('fulfilment_id', 'uuid', (c) => c.notNull().references('fulfilment.id').onDelete('cascade'))
    .addColumn('order_line_id', 'uuid', (c) => c.notNull().references('order_line.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint('fulfilment_line_pk', ['fulfilment_id', 'order_line_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['fulfilment_line', 'fulfilment', 'order_idempotency', 'order_event', 'order_address', 'order_line', 'order']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop sequence if exists order_number_seq`.execute(db);
}
