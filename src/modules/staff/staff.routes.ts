import type { FastifyInstance } from 'fastify';
import { requestContext } from '../../kernel/request-context.js';
import { rolePermissions, type StaffRole } from '../../kernel/permissions.js';
import * as S from './staff.schemas.js';
import type { AdminShell } from '../../backoffice/index.js';
import type { InvitationView, StaffService } from './staff.service.js';

const tags = ['staff'];

const invitationDto = (i: InvitationView) => ({ ...i, createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString() });

/**
 * The staff API under /api/v1/admin: who am I, the staff list, invitations, role changes, removal and
 * forced sign-out. Each route names its permission and the guard checks it before the service runs (the
 * service checks again, and adds the owner and self rules).
 */
export function registerStaffRoutes(app: FastifyInstance, shell: AdminShell, staff: StaffService): void {
  const { guard } = shell;

  app.get('/api/v1/admin/me', { schema: { tags, response: { 200: S.Principal } } }, async (request) => {
    const principal = await guard.require(request);
    return { userId: principal.userId, role: principal.role, permissions: [...rolePermissions[principal.role]] };
  });

  app.get('/api/v1/admin/staff', { schema: { tags, response: { 200: S.StaffList } } }, async (request) => {
    const { members, invitations } = await staff.list(await guard.require(request, 'staff.read'));
    return { members: members.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() })), invitations: invitations.map(invitationDto) };
  });

  app.post<{ Body: { email: string; role: StaffRole } }>(
    '/api/v1/admin/staff/invitations',
    { schema: { tags, body: S.InviteBody, response: { 201: S.Invitation } } },
    async (request, reply) => {
      const invitation = await staff.invite(await guard.require(request, 'staff.write'), request.body, requestContext(request));
      return reply.code(201).send(invitationDto(invitation));
    },
  );

  app.delete<{ Params: { id: string } }>('/api/v1/admin/staff/invitations/:id', { schema: { tags, params: S.InvitationParams } }, async (request, reply) => {
    await staff.revokeInvitation(await guard.require(request, 'staff.write'), request.params.id, requestContext(request));
    return reply.code(204).send();
  });

  app.patch<{ Params: { userId: string }; Body: { role: StaffRole } }>(
    '/api/v1/admin/staff/:userId',
    { schema: { tags, params: S.UserParams, body: S.RoleBody } },
    async (request, reply) => {
      await staff.changeRole(await guard.require(request, 'staff.write'), request.params.userId, request.body.role, requestContext(request));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { userId: string } }>('/api/v1/admin/staff/:userId', { schema: { tags, params: S.UserParams } }, async (request, reply) => {
    await staff.revoke(await guard.require(request, 'staff.write'), request.params.userId, requestContext(request));
    return reply.code(204).send();
  });

  app.post<{ Params: { userId: string } }>(
    '/api/v1/admin/staff/:userId/sign-out',
    { schema: { tags, params: S.UserParams, body: S.EmptyBody, response: { 200: S.SignedOut } } },
    async (request) => ({
      sessionsEnded: await staff.forceSignOut(await guard.require(request, 'staff.write'), request.params.userId, requestContext(request)),
    }),
  );
}
