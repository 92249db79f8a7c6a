import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
/**
 * The pricing module's tables: tax rates by country and region, shipping methods by country, discount
 * codes and their redemptions. Amounts are integer minor units; rates are basis points (2000 = 20%).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tax_rate')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('country', 'text', (c) => c.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    // '' is the whole country; a subdivision code (e.g. 'CA-QC' is region 'QC' of 'CA') overrides it.
    .addColumn('region', 'text', (c) => c.notNull().defaultTo('').check(sql`region ~ '^[A-Z0-9]{0,3}$'`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rate_bp', 'integer', (c) => c.notNull().check(sql`rate_bp between 0 and 10000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('tax_rate_place_key').unique().on('tax_rate').columns(['country', 'region']).execute();

  await db.schema
    .createTable('shipping_method')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('countries', sql`text[]`, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    // 'flat': price_amount; 'weight': the first band whose max_grams holds the parcel (none: not offered).
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('flat', 'weight')`))
    .addColumn('price_amount', 'integer', (c) => c.notNull().defaultTo(0).check(sql`price_amount >= 0`))
    .addColumn('bands', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // Free when the goods' subtotal reaches this amount; null: never free.
    .addColumn('free_over_amount', 'integer', (c) => c.check(sql`free_over_amount >= 0`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('discount_code')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Stored upper-case: codes compare without regard to case.
    .addColumn('code', 'text', (c) => c.notNull().unique().check(sql`code ~ '^[A-Z0-9_-]{3,32}$'`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('percentage', 'fixed')`))
    .addColumn('percent_bp', 'integer', (c) => c.check(sql`percent_bp between 1 and 10000`))
    .addColumn('amount', 'integer', (c) => c.check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('min_subtotal', 'integer', (c) => c.notNull().defaultTo(0).check(sql`min_subtotal >= 0`))
    .addColumn('starts_at', 'timestamptz')
    .addColumn('ends_at', 'timestamptz')
    .addColumn('usage_limit', 'integer', (c) => c.check(sql`usage_limit > 0`))
    .addColumn('per_customer_limit', 'integer', (c) => c.check(sql`per_customer_limit > 0`))
    // Redemptions held by orders (given back when an order is cancelled before payment).
    .addColumn('used_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`used_count >= 0`))
    .addColumn('combinable', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table discount_code add constraint discount_code_kind_value check ((kind = 'percentage' and percent_bp is not null) or (kind = 'fixed' and amount is not null))`.execute(db);
  await sql`alter table discount_code add constraint discount_code_within_limit check (usage_limit is null or used_count <= usage_limit)`.execute(db);

  await db.schema
    .createTable('discount_redemption')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('discount_id', 'uuid', (c) => c.notNull().references('discount_code.id').onDelete('cascade'))
    .addColumn('order_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('customer_id', 'uuid')
    // A blind index of the normalised e-mail address: guests' per-customer limit without storing the address.
    .addColumn('email_hash', 'bytea')
    .addColumn('released_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('discount_redemption_customer_idx').on('discount_redemption').columns(['discount_id', 'customer_id']).execute();
  await db.schema.createIndex('discount_redemption_email_idx').on('discount_redemption').columns(['discount_id', 'email_hash']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('discount_redemption').execute();
  await db.schema.dropTable('discount_code').execute();
  await db.schema.dropTable('shipping_method').execute();
  await db.schema.dropTable('tax_rate').execute();
}
