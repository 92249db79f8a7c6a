import { Type } from 'typebox';
import { permissions, staffRoles } from '../../kernel/permissions.js';

/** Request and response shapes of the staff API; bodies refuse unknown fields. */
const strict = { additionalProperties: false } as const;
const Role = Type.Union(staffRoles.map((r) => Type.Literal(r)));
const Iso = Type.String({ format: 'date-time' });

export const UserParams = Type.Object({ userId: Type.String({ format: 'uuid' }) });
export const InvitationParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const InviteBody = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), role: Role }, strict);
export const RoleBody = Type.Object({ role: Role }, strict);
export const EmptyBody = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);

export const Principal = Type.Object({
  userId: Type.String(),
  role: Role,
  permissions: Type.Array(Type.Union(permissions.map((p) => Type.Literal(p)))),
});

export const Invitation = Type.Object({ id: Type.String(), email: Type.String(), role: Role, createdAt: Iso, expiresAt: Iso, expired: Type.Boolean() });

export const StaffList = Type.Object({
  members: Type.Array(
    Type.Object({ userId: Type.String(), email: Type.String(), role: Role, mfaEnabled: Type.Boolean(), activeSessions: Type.Integer(), joinedAt: Iso }),
  ),
  invitations: Type.Array(Invitation),
});

export const SignedOut = Type.Object({ sessionsEnded: Type.Integer() });
