import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payment')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // The order is the orders module's; no foreign key, so either module's migrations may run first.
    .addColumn('order_id', 'uuid', (c) => c.notNull())
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('test', 'stripe', 'paypal')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'requires_action', 'succeeded', 'failed', 'cancelled')`))
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('captured', 'integer', (c) => c.notNull().defaultTo(0).check(sql`captured >= 0`))
    .addColumn('refunded', 'integer', (c) => c.notNull().defaultTo(0).check(sql`refunded >= 0`))
    .addColumn('refund_reserved', 'integer', (c) => c.notNull().defaultTo(0).check(sql`refund_reserved >= 0`))
    .addColumn('provider_reference', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('return_url', 'text', (c) => c.notNull())
    .addColumn('cancel_url', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('mismatch', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The last line of defence under the service's check: refunds can never exceed what was captured.
  await sql`alter table payment add constraint payment_refunds_within_captured check (refunded + refund_reserved <= captured)`.execute(db);
  await sql`create unique index payment_provider_reference_key on payment (provider, provider_reference) where provider_reference is not null`.execute(db);
  await db.schema.createIndex('payment_order_idx').on('payment').column('order_id').execute();
  // The reconciliation job's scan: payments still open, oldest first.
  await sql`create index payment_open_idx on payment (updated_at) where status in ('pending', 'requires_action')`.execute(db);
  await db.schema.createIndex('payment_status_updated_idx').on('payment').columns(['status', 'updated_at']).execute();

  await db.schema
    .createTable('payment_refund')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('payment_id', 'uuid', (c) => c.notNull().references('payment.id'))
    .addColumn('order_id', 'uuid', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('provider_reference', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('payment_refund_payment_idx').on('payment_refund').column('payment_id').execute();
  await sql`create index payment_refund_pending_idx on payment_refund (updated_at) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('payment_webhook_event')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'uuid')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('payment_webhook_event_once', ['provider', 'event_id'])
    .execute();
  await db.schema.createIndex('payment_webhook_event_received_idx').on('payment_webhook_event').columns(['received_at']).execute();

  await db.schema
    .createTable('payment_webhook_rejection')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('hour', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_webhook_rejection_pk', ['provider', 'hour'])
    .execute();

  await db.schema
    .createTable('test_gateway_payment')
    .addColumn('reference', 'text', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('return_url', 'text', (c) => c.notNull())
    .addColumn('cancel_url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requires_payment', 'requires_action', 'succeeded', 'failed', 'cancelled')`))
    .addColumn('reason', 'text')
    .addColumn('refunded', 'integer', (c) => c.notNull().defaultTo(0).check(sql`refunded >= 0`))
    .addColumn('card_last4', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table test_gateway_payment add constraint test_gateway_refunds_within check (refunded <= amount)`.execute(db);
  await db.schema
    .createTable('test_gateway_refund')
    .addColumn('reference', 'text', (c) => c.primaryKey())
    .addColumn('payment_reference', 'text', (c) => c.notNull().references('test_gateway_payment.reference'))
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('test_gateway_secret')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('secret', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['test_gateway_secret', 'test_gateway_refund', 'test_gateway_payment', 'payment_webhook_rejection', 'payment_webhook_event', 'payment_refund', 'payment']) {
    await db.schema.dropTable(table).execute();
  }
}
