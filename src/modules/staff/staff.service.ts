/**
 * Staff membership and its changes: invitations, joining, role changes, removal and forced sign-out.
 * Every change is audited in the same transaction (DESIGN.md: every staff action that changes data writes
 * an audit event). The rules no permission can express live here:
 * - only an owner grants, changes or removes the owner role;
 * - nobody changes their own role or access (no self-escalation, no accidental lock-out);
 * - the shop keeps at least one owner (the owner rows are locked while one is removed or demoted).
 * A role change or removal ends every session of that person: the next request signs in afresh.
 */
import { newId } from '../../kernel/ids.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { AccountDirectory } from '../auth/index.js';
import { normaliseEmail } from '../auth/index.js';
import type { MailBrand } from '../auth/index.js';
import type { Sessions } from '../auth/index.js';
import { generateToken, hashToken, isWellFormedToken } from '../auth/index.js';
import type { FieldEncryption } from '../encryption/index.js';
import { can, type Permission, type StaffPrincipal, type StaffRole } from '../../kernel/permissions.js';
import { staffAccessDenied } from '../../backoffice/index.js';
import type { MailQueue } from '../outbox/index.js';
import {
  alreadyStaff,
  invitationCoolingDown,
  invitationExpired,
  invitationInvalid,
  invitationNotFound,
  lastOwner,
  managedByIdentityProvider,
  notOnSelf,
  ownerOnly,
  staffNotFound,
} from './staff.errors.js';
import { invitationMail, roleChangedMail } from './staff.mails.js';
import * as repo from './staff.repository.js';

export const invitationHours = 72;

/** The signed-in staff member a request acts as. */
/** Request facts an audit event carries. */
export interface ActionContext {
  clientIp?: string | null;
  requestId?: string | null;
}

export interface StaffMemberView {
  userId: string;
  email: string;
  role: StaffRole;
  mfaEnabled: boolean;
  activeSessions: number;
  joinedAt: Date;
}

export interface InvitationView {
  id: string;
  email: string;
  role: StaffRole;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
}

export interface StaffService {
  /** The back-office role of an account, if it has one. */
  roleOf(userId: string): Promise<StaffRole | undefined>;
  list(actor: StaffPrincipal): Promise<{ members: StaffMemberView[]; invitations: InvitationView[] }>;
  invite(actor: StaffPrincipal, input: { email: string; role: StaffRole }, context: ActionContext): Promise<InvitationView>;
  /** The first owner (or a lost one's replacement), from `npm run admin:create`: returns the link to print. */
  inviteFromCommandLine(input: { email: string; role: StaffRole }): Promise<{ link: string; expiresAt: Date }>;
  revokeInvitation(actor: StaffPrincipal, invitationId: string, context: ActionContext): Promise<void>;
  /** What accepting an invitation would mean, without using it up; STAFF_INVITATION_* when it cannot be used. */
  describeInvitation(token: string): Promise<{ email: string; role: StaffRole; hasAccount: boolean }>;
  /**
   * Proves or creates the invited account with `password`, makes it staff and uses the link up. Every
   * session the account had ends: one of them may be stolen, and none was started under the new role.
   */
  acceptInvitation(token: string, password: string, context: ActionContext): Promise<{ userId: string; role: StaffRole }>;
  changeRole(actor: StaffPrincipal, userId: string, role: StaffRole, context: ActionContext): Promise<void>;
  revoke(actor: StaffPrincipal, userId: string, context: ActionContext): Promise<void>;
  forceSignOut(actor: StaffPrincipal, userId: string, context: ActionContext): Promise<number>;
  /** Cognito mode: the role the identity provider's groups give, written at each sign-in (null: none). */
  syncFromIdentityProvider(userId: string, role: StaffRole | null, context: ActionContext): Promise<void>;
  /**
   * The staff side of "download my data" and "delete my account" (a customers-module contributor): the
   * role is exported; deleting the account removes it, audited, and refuses for the shop's last owner.
   */
  personalData: { name: 'staff'; export(userId: string): Promise<{ role: StaffRole } | null>; erase(trx: Db, userId: string): Promise<void> };
}

export interface StaffDeps {
  db: Db;
  audit: AuditService;
  directory: AccountDirectory;
  sessions: Sessions;
  fieldEncryption: FieldEncryption;
  mail: MailQueue;
  brand: MailBrand;
  /** AUTH_PROVIDER=cognito: roles come from the pool's groups, so invitations and role changes here are refused. */
  rolesFromIdentityProvider?: boolean;
  now?: () => Date;
}

const sealRef = (id: string) => ({ table: 'staff_invitation', column: 'email_encrypted', rowId: id });

export function createStaffService(deps: StaffDeps): StaffService {
  const { db, audit, directory, sessions, fieldEncryption: fe, mail, brand } = deps;
  const now = deps.now ?? (() => new Date());
  const hoursMs = invitationHours * 3_600_000;
  const actorOf = (p: StaffPrincipal) => ({ type: 'staff' as const, id: p.userId, role: p.role });
  const requirePermission = (actor: StaffPrincipal, permission: Permission) => {
    if (!can(actor.role, permission)) throw staffAccessDenied(permission);
  };
  const assertRolesManagedHere = () => {
    if (deps.rolesFromIdentityProvider) throw managedByIdentityProvider();
  };
  const linkOf = (token: string) => `${brand.publicUrl.replace(/\/$/, '')}/admin/invitations/accept?token=${token}`;

  const toInvitationView = async (row: repo.InvitationRow): Promise<InvitationView> => ({
    id: row.id,
    email: await fe.open(sealRef(row.id), row.email_encrypted),
    role: row.role,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    expired: row.expires_at.getTime() <= now().getTime(),
  });

  /** Creates (or replaces) the invitation of an address, with its mail when `mailIt`; returns it with its token. */
  const createInvitation = async (input: { email: string; role: StaffRole }, invitedBy: StaffPrincipal | undefined, context: ActionContext, mailIt: boolean) => {
    const address = normaliseEmail(input.email);
    const existing = await directory.idOf(address);
    if (existing !== undefined && (await repo.findStaff(db, existing)) !== undefined) throw alreadyStaff();
    const id = newId();
    const token = generateToken();
    const at = now();
    const expiresAt = new Date(at.getTime() + hoursMs);
    const emailEncrypted = await fe.seal(sealRef(id), address);
    const emailIndex = await fe.blindIndex('staff_invitation', 'email', address);
    await db.transaction().execute(async (trx) => {
      // The address had account mail a moment ago: the staff member is told to wait, and nothing changes.
      if (mailIt && !(await mail.claimCooldown(trx, address))) throw invitationCoolingDown();
      const actor = invitedBy ? actorOf(invitedBy) : { type: 'system' as const, id: null, role: 'command-line' };
      // Only an owner (or the command line) may cancel an owner's invitation, even by sending a new one.
      for (const earlier of await repo.deleteInvitationsOf(trx, emailIndex)) {
        if (earlier.role === 'owner' && invitedBy !== undefined && invitedBy.role !== 'owner') throw ownerOnly();
        await audit.record(trx, {
          actor,
          action: 'staff.invitation_replaced',
          target: { type: 'staff_invitation', id: earlier.id },
          before: { role: earlier.role, expiresAt: earlier.expires_at.toISOString() },
          after: { replacedBy: id, role: input.role },
          ...context,
        });
      }
      await repo.insertInvitation(trx, { id, tokenHash: hashToken(token), emailEncrypted, emailIndex, role: input.role, invitedBy: invitedBy?.userId ?? null, now: at, expiresAt });
      await audit.record(trx, {
        actor,
        action: 'staff.invitation_created',
        target: { type: 'staff_invitation', id },
        after: { role: input.role, expiresAt: expiresAt.toISOString() },
        ...context,
      });
      if (mailIt) await mail.enqueue(trx, invitationMail(brand, address, linkOf(token), input.role, invitationHours));
    });
    return { token, view: { id, email: address, role: input.role, createdAt: at, expiresAt, expired: false } };
  };

  /**
   * Owner-only and self rules, shared by role changes, removal and sign-out. `owners` is the locked list
   * of current owners when the caller holds it: the actor's role is then checked as it is now, not as it
   * was when the request began (another owner may have just demoted them).
   */
  const assertMayManage = (actor: StaffPrincipal, userId: string, target: repo.StaffRow | undefined, newRole?: StaffRole, owners?: string[]) => {
    requirePermission(actor, 'staff.write');
    if (userId === actor.userId) throw notOnSelf();
    if (target === undefined) throw staffNotFound();
    const actorIsOwner = owners === undefined ? actor.role === 'owner' : owners.includes(actor.userId);
    if ((target.role === 'owner' || newRole === 'owner') && !actorIsOwner) throw ownerOnly();
  };

  const service: StaffService = {
    roleOf: async (userId) => (await repo.findStaff(db, userId))?.role,

    async list(actor) {
      requirePermission(actor, 'staff.read');
      const rows = await repo.listStaff(db);
      const members = await Promise.all(
        rows.map(async (row) => ({
          userId: row.user_id,
          email: (await directory.emailOf(row.user_id)) ?? '(account deleted)',
          role: row.role,
          mfaEnabled: await directory.mfaEnabled(row.user_id),
          activeSessions: (await sessions.listOf(row.user_id)).length,
          joinedAt: row.created_at,
        })),
      );
      const invitations = await Promise.all((await repo.listInvitations(db)).map(toInvitationView));
      return { members, invitations };
    },

    async invite(actor, input, context) {
      requirePermission(actor, 'staff.write');
      assertRolesManagedHere();
      if (input.role === 'owner' && actor.role !== 'owner') throw ownerOnly();
      const { view } = await createInvitation(input, actor, context, true);
      return view;
    },

    async inviteFromCommandLine(input) {
      assertRolesManagedHere();
      const { token, view } = await createInvitation(input, undefined, {}, false);
      return { link: linkOf(token), expiresAt: view.expiresAt };
    },

    async revokeInvitation(actor, invitationId, context) {
      requirePermission(actor, 'staff.write');
      await db.transaction().execute(async (trx) => {
        const row = await repo.deleteInvitation(trx, invitationId);
        if (row === undefined) throw invitationNotFound();
        if (row.role === 'owner' && actor.role !== 'owner') throw ownerOnly();
        await audit.record(trx, {
          actor: actorOf(actor),
          action: 'staff.invitation_revoked',
          target: { type: 'staff_invitation', id: invitationId },
          before: { role: row.role },
          ...context,
        });
      });
    },

    async describeInvitation(token) {
      if (!isWellFormedToken(token)) throw invitationInvalid();
      const row = await repo.findInvitationByToken(db, hashToken(token));
      if (row === undefined) throw invitationInvalid();
      if (row.expires_at.getTime() <= now().getTime()) throw invitationExpired();
      const email = await fe.open(sealRef(row.id), row.email_encrypted);
      return { email, role: row.role, hasAccount: (await directory.idOf(email)) !== undefined };
    },

    async acceptInvitation(token, password, context) {
      const { email } = await service.describeInvitation(token);
      // The password is checked (or the account made) before the link is used up, so a wrong password
      // does not burn the invitation; the throttle of `claim` stops guessing.
      const { userId, created } = await directory.claim(email, password);
      const role = await db.transaction().execute(async (trx) => {
        const row = await repo.consumeInvitation(trx, hashToken(token));
        if (row === undefined) throw invitationInvalid();
        if (row.expires_at.getTime() <= now().getTime()) throw invitationExpired();
        const before = await repo.lockStaff(trx, userId);
        await repo.upsertStaff(trx, { userId, role: row.role, invitedBy: row.invited_by, now: now() });
        await audit.record(trx, {
          actor: { type: 'staff', id: userId, role: row.role },
          action: 'staff.joined',
          target: { type: 'staff_member', id: userId },
          before: before ? { role: before.role } : null,
          after: { role: row.role, invitation: row.id, newAccount: created },
          ...context,
        });
        return row.role;
      });
      // After the commit: the sessions table is the auth module's, reached through its service.
      await sessions.endAllOf(userId);
      return { userId, role };
    },

    async changeRole(actor, userId, role, context) {
      assertRolesManagedHere();
      // Read before the transaction: the notice is queued inside it.
      const email = await directory.emailOf(userId);
      const changed = await db.transaction().execute(async (trx) => {
        const owners = await repo.lockOwners(trx);
        const target = await repo.lockStaff(trx, userId);
        assertMayManage(actor, userId, target, role, owners);
        if (target!.role === role) return false;
        if (target!.role === 'owner' && owners.length <= 1) throw lastOwner();
        await repo.updateRole(trx, userId, role, now());
        await audit.record(trx, {
          actor: actorOf(actor),
          action: 'staff.role_changed',
          target: { type: 'staff_member', id: userId },
          before: { role: target!.role },
          after: { role },
          ...context,
        });
        if (email) await mail.enqueue(trx, roleChangedMail(brand, email, role));
        return true;
      });
      if (!changed) return;
      // A privilege change gets a new session: the person signs in again under the new role.
      await sessions.endAllOf(userId);
    },

    async revoke(actor, userId, context) {
      assertRolesManagedHere();
      const email = await directory.emailOf(userId);
      await db.transaction().execute(async (trx) => {
        const owners = await repo.lockOwners(trx);
        const target = await repo.lockStaff(trx, userId);
        assertMayManage(actor, userId, target, undefined, owners);
        if (target!.role === 'owner' && owners.length <= 1) throw lastOwner();
        await repo.deleteStaff(trx, userId);
        await audit.record(trx, {
          actor: actorOf(actor),
          action: 'staff.access_revoked',
          target: { type: 'staff_member', id: userId },
          before: { role: target!.role },
          ...context,
        });
        if (email) await mail.enqueue(trx, roleChangedMail(brand, email, null));
      });
      await sessions.endAllOf(userId);
    },

    async forceSignOut(actor, userId, context) {
      const target = await repo.findStaff(db, userId);
      assertMayManage(actor, userId, target);
      const ended = await sessions.endAllOf(userId);
      await db.transaction().execute((trx) =>
        audit.record(trx, {
          actor: actorOf(actor),
          action: 'staff.signed_out',
          target: { type: 'staff_member', id: userId },
          after: { sessionsEnded: ended },
          ...context,
        }),
      );
      return ended;
    },

    personalData: {
      name: 'staff',
      export: async (userId) => {
        const row = await repo.findStaff(db, userId);
        return row ? { role: row.role } : null;
      },
      async erase(trx, userId) {
        const owners = await repo.lockOwners(trx);
        const row = await repo.lockStaff(trx, userId);
        if (row === undefined) return;
        if (row.role === 'owner' && owners.length <= 1) throw lastOwner();
        await repo.deleteStaff(trx, userId);
        await audit.record(trx, {
          actor: { type: 'staff', id: userId, role: row.role },
          action: 'staff.left',
          target: { type: 'staff_member', id: userId },
          before: { role: row.role },
        });
      },
    },

    async syncFromIdentityProvider(userId, role, context) {
      await db.transaction().execute(async (trx) => {
        const before = await repo.lockStaff(trx, userId);
        if ((before?.role ?? null) === role) return;
        if (role === null) await repo.deleteStaff(trx, userId);
        else await repo.upsertStaff(trx, { userId, role, invitedBy: null, now: now() });
        await audit.record(trx, {
          actor: { type: 'system', id: null, role: 'identity-provider' },
          action: 'staff.role_synced',
          target: { type: 'staff_member', id: userId },
          before: before ? { role: before.role } : null,
          after: role ? { role } : null,
          ...context,
        });
      });
    },
  };
  return service;
}
