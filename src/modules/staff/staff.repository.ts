import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { StaffRole } from '../../kernel/permissions.js';

/** Every query of the staff tables. Plain functions taking `db` (or a transaction) first. */

export interface StaffRow {
  user_id: string;
  role: StaffRole;
  invited_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export function findStaff(db: Db, userId: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff_member').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Locks the staff row for the rest of the transaction, so two role changes of one person take turns. */
export function lockStaff(trx: Db, userId: string): Promise<StaffRow | undefined> {
  return trx.selectFrom('staff_member').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
}

export function listStaff(db: Db): Promise<StaffRow[]> {
  return db.selectFrom('staff_member').selectAll().orderBy('created_at').execute();
}

/**
 * Locks every owner row, always in the same order and before any other staff row, so two owners
 * demoting each other at once take turns instead of deadlocking, and the second sees the first's change.
 *
 *   select user_id from staff_member where role = 'owner' order by user_id for update
 */
export async function lockOwners(trx: Db): Promise<string[]> {
  const rows = await trx.selectFrom('staff_member').select('user_id').where('role', '=', 'owner').orderBy('user_id').forUpdate().execute();
  return rows.map((r) => r.user_id);
}

/** Adds the role, or changes it when the account is staff already; returns the previous role. */
export async function upsertStaff(trx: Db, row: { userId: string; role: StaffRole; invitedBy: string | null; now: Date }): Promise<void> {
  await trx
    .insertInto('staff_member')
    .values({ user_id: row.userId, role: row.role, invited_by: row.invitedBy, created_at: row.now, updated_at: row.now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ role: row.role, updated_at: row.now }))
    .execute();
}

export async function updateRole(trx: Db, userId: string, role: StaffRole, now: Date): Promise<void> {
  await trx.updateTable('staff_member').set({ role, updated_at: now }).where('user_id', '=', userId).execute();
}

export async function deleteStaff(trx: Db, userId: string): Promise<boolean> {
  const result = await trx.deleteFrom('staff_member').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// --- invitations ----------------------------------------------------------------------------------

export interface InvitationRow {
  id: string;
  email_encrypted: Uint8Array;
  role: StaffRole;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
}

const invitationColumns = ['id', 'email_encrypted', 'role', 'invited_by', 'created_at', 'expires_at'] as const;

/**
 * Deletes the invitations of an address and returns them, so the caller can check who may replace them
 * (its transaction rolls the deletion back when it refuses).
 */
export function deleteInvitationsOf(trx: Db, emailIndex: Uint8Array): Promise<InvitationRow[]> {
  return trx.deleteFrom('staff_invitation').where('email_index', '=', emailIndex).returning(invitationColumns).execute();
}

/** Stores an invitation; the caller has deleted any earlier one to the same address (only the newest link works). */
export async function insertInvitation(
  trx: Db,
  row: { id: string; tokenHash: Uint8Array; emailEncrypted: Uint8Array; emailIndex: Uint8Array; role: StaffRole; invitedBy: string | null; now: Date; expiresAt: Date },
): Promise<void> {
  await trx
    .insertInto('staff_invitation')
    .values({
      id: row.id,
      token_hash: row.tokenHash,
      email_encrypted: row.emailEncrypted,
      email_index: row.emailIndex,
      role: row.role,
      invited_by: row.invitedBy,
      created_at: row.now,
      expires_at: row.expiresAt,
    })
    .execute();
}

/**
 * Uses an invitation up: read and delete in one statement, so of two concurrent uses exactly one gets it.
 * An expired invitation is deleted by the same statement and reported as expired by the caller.
 *
 *   delete from staff_invitation where token_hash = $1 returning id, email_encrypted, role, ...
 */
export function consumeInvitation(trx: Db, tokenHash: Uint8Array): Promise<InvitationRow | undefined> {
  return trx.deleteFrom('staff_invitation').where('token_hash', '=', tokenHash).returning(invitationColumns).executeTakeFirst();
}

/** The invitation of a token without using it up (the page that shows what accepting means). */
export function findInvitationByToken(db: Db, tokenHash: Uint8Array): Promise<InvitationRow | undefined> {
  return db.selectFrom('staff_invitation').select(invitationColumns).where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function listInvitations(db: Db): Promise<InvitationRow[]> {
  return db.selectFrom('staff_invitation').select(invitationColumns).orderBy('created_at', 'desc').execute();
}

export function deleteInvitation(trx: Db, id: string): Promise<InvitationRow | undefined> {
  return trx.deleteFrom('staff_invitation').where('id', '=', id).returning(invitationColumns).executeTakeFirst();
}

export async function deleteExpiredInvitations(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('staff_invitation').where('expires_at', '<', sql<Date>`${now}::timestamptz - interval '30 days'`).execute();
}
