import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { CustomerAddressTable } from './customers.tables.js';

/**
 * Every query of the customers module's tables (customer_profile, customer_address). Plain functions
 * taking `db` (or a transaction) first. Every address query is scoped by `user_id` in the statement
 * itself, so an id that is not the caller's own matches nothing, exactly like an unknown one.
 */

export interface ProfileRow {
  user_id: string;
  full_name_encrypted: Uint8Array | null;
  phone_encrypted: Uint8Array | null;
  marketing_opt_in: boolean;
  updated_at: Date;
}

export function findProfile(db: Db, userId: string): Promise<ProfileRow | undefined> {
  return db
    .selectFrom('customer_profile')
    .select(['user_id', 'full_name_encrypted', 'phone_encrypted', 'marketing_opt_in', 'updated_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** The profiles of several customers (those who saved one), for a page of the back office's list. */
export function findProfilesOf(db: Db, userIds: readonly string[]): Promise<ProfileRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('customer_profile')
    .select(['user_id', 'full_name_encrypted', 'phone_encrypted', 'marketing_opt_in', 'updated_at'])
    .where('user_id', 'in', userIds)
    .execute();
}

/** How many addresses each of several customers saved (absent: none). */
export async function countAddressesOfEach(db: Db, userIds: readonly string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('customer_address')
    .select(['user_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('user_id', 'in', userIds)
    .groupBy('user_id')
    .execute();
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
}

export async function upsertProfile(db: Db, row: ProfileRow): Promise<void> {
  const { user_id: _userId, ...changes } = row;
  await db
    .insertInto('customer_profile')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(changes))
    .execute();
}

/**
 * Makes sure the customer has a profile row and locks it until the transaction ends: the per-customer
 * lock that keeps two concurrent additions from both passing the address limit.
 */
export async function lockProfile(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .insertInto('customer_profile')
    .values({ user_id: userId, marketing_opt_in: false, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  await db.selectFrom('customer_profile').select('user_id').where('user_id', '=', userId).forUpdate().executeTakeFirstOrThrow();
}

export async function deleteProfile(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('customer_profile').where('user_id', '=', userId).execute();
}

// --- addresses ------------------------------------------------------------------------------------

export type AddressRow = Selectable<CustomerAddressTable>;

const addressColumns = ['id', 'user_id', 'address_encrypted', 'label', 'is_default_shipping', 'is_default_billing', 'created_at', 'updated_at'] as const;

/** The customer's addresses, oldest first (a stable order for the list page). */
export function findAddressesOf(db: Db, userId: string): Promise<AddressRow[]> {
  return db.selectFrom('customer_address').select(addressColumns).where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

export function findAddressOf(db: Db, userId: string, id: string): Promise<AddressRow | undefined> {
  return db.selectFrom('customer_address').select(addressColumns).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** Locks one of the customer's addresses for an update; undefined when no such address is theirs. */
export function lockAddressOf(db: Db, userId: string, id: string): Promise<AddressRow | undefined> {
  return db.selectFrom('customer_address').select(addressColumns).where('id', '=', id).where('user_id', '=', userId).forUpdate().executeTakeFirst();
}

export function countAddressesOf(db: Db, userId: string): Promise<number> {
  return db
    .selectFrom('customer_address')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

export async function insertAddress(db: Db, row: AddressRow): Promise<void> {
  await db.insertInto('customer_address').values(row).execute();
}

export async function updateAddressOf(
  db: Db,
  userId: string,
  id: string,
  changes: Pick<AddressRow, 'address_encrypted' | 'label' | 'is_default_shipping' | 'is_default_billing' | 'updated_at'>,
): Promise<void> {
  await db.updateTable('customer_address').set(changes).where('id', '=', id).where('user_id', '=', userId).execute();
}

/** Clears a default flag on the customer's other addresses, before another one takes it. */
export async function clearDefault(db: Db, userId: string, kind: 'is_default_shipping' | 'is_default_billing', exceptId: string, now: Date): Promise<void> {
  await db
    .updateTable('customer_address')
    .set({ [kind]: false, updated_at: now })
    .where('user_id', '=', userId)
    .where(kind, '=', true)
    .where('id', '<>', exceptId)
    .execute();
}

/** Deletes one of the customer's addresses; false when no such address is theirs. */
export async function deleteAddressOf(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('customer_address').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function deleteAddressesOf(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('customer_address').where('user_id', '=', userId).execute();
}
