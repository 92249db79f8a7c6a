import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One level per variant. `available` is on_hand - reserved; a sale or reservation is a conditional
  // update that keeps both checks true, so stock can never go below zero.
  await db.schema
    .createTable('inventory_level')
    .addColumn('variant_id', 'uuid', (c) => c.primaryKey().references('product_variant.id').onDelete('cascade'))
    .addColumn('product_id', 'uuid', (c) => c.notNull())
    .addColumn('on_hand', 'integer', (c) => c.notNull().defaultTo(0).check(sql`on_hand >= 0`))
    .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0).check(sql`reserved >= 0`))
    .addColumn('low_stock_threshold', 'integer', (c) => c.notNull().defaultTo(5).check(sql`low_stock_threshold >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table inventory_level add constraint inventory_level_reserved_within check (reserved <= on_hand)`.execute(db);
  await db.schema.createIndex('inventory_level_product_idx').on('inventory_level').column('product_id').execute();

  // The ledger: every change of a level, with the values after it, so each level can be explained.
  await db.schema
    .createTable('inventory_movement')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('variant_id', 'uuid', (c) => c.notNull().references('product_variant.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('adjustment', 'sale', 'return', 'reservation', 'release')`))
    .addColumn('on_hand_delta', 'integer', (c) => c.notNull())
    .addColumn('reserved_delta', 'integer', (c) => c.notNull())
    .addColumn('on_hand_after', 'integer', (c) => c.notNull())
    .addColumn('reserved_after', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    // What caused it: an order number, a reservation id, an import, a staff member.
    .addColumn('reference', 'text')
    .addColumn('actor', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('inventory_movement_variant_idx').on('inventory_movement').columns(['variant_id', 'created_at']).execute();

  // Stock moves out of the variant row, with an opening balance in the ledger.
  await sql`
    insert into inventory_level (variant_id, product_id, on_hand)
    select id, product_id, stock from product_variant`.execute(db);
  await sql`
    insert into inventory_movement (variant_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason)
    select id, 'adjustment', stock, 0, stock, 0, 'Opening balance' from product_variant`.execute(db);
  await db.schema.alterTable('product_variant').dropColumn('stock').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('product_variant').addColumn('stock', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update product_variant v set stock = l.on_hand from inventory_level l where l.variant_id = v.id`.execute(db);
  await db.schema.dropTable('inventory_movement').execute();
  await db.schema.dropTable('inventory_level').execute();
}
