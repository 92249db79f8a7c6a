import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAdminPage, type AdminShell } from '../../backoffice/index.js';
import type { StaffPrincipal } from '../../kernel/permissions.js';
import { requestContext } from '../../kernel/request-context.js';
import type { OutboxActor, OutboxService } from './outbox.service.js';
import * as S from './outbox.schemas.js';
import { deadJobsPage } from './pages/dead-jobs-page.js';

const tags = ['outbox'];

const actorOf = (principal: StaffPrincipal, request: FastifyRequest): OutboxActor => ({
  actor: { type: 'staff', id: principal.userId, role: principal.role },
  ...requestContext(request),
});

/**
 * Dead jobs for staff with `outbox.manage` (owner, admin): the JSON API under
 * /api/v1/admin/outbox/dead-jobs (list, retry, discard) and the page at /admin/outbox. Every route asks
 * the staff guard first (a refusal is audited by the guard); each retry or discard is audited in the
 * transaction that makes it.
 */
export function registerOutboxRoutes(app: FastifyInstance, shell: AdminShell, deps: { outbox: OutboxService; locale: string }): void {
  const { outbox } = deps;
  const { guard, pages } = shell;

  app.get<{ Querystring: { limit?: number } }>(
    '/api/v1/admin/outbox/dead-jobs',
    { schema: { tags, summary: 'Dead outbox jobs, most recently parked first (payloads never shown)', querystring: S.DeadJobsQuery, response: { 200: S.DeadJobList } } },
    async (request) => {
      await guard.require(request, 'outbox.manage');
      const jobs = await outbox.listDead(request.query.limit);
      return { jobs: jobs.map((j) => ({ ...j, createdAt: j.createdAt.toISOString(), diedAt: j.diedAt.toISOString() })) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/outbox/dead-jobs/:id/retry',
    { schema: { tags, summary: 'Puts a dead job back in the queue with a fresh set of attempts', params: S.JobParams, body: S.EmptyBody } },
    async (request, reply) => {
      const principal = await guard.require(request, 'outbox.manage');
      await outbox.retryDead(request.params.id, actorOf(principal, request));
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/outbox/dead-jobs/:id/discard',
    { schema: { tags, summary: 'Gives up on a dead job: it is marked done and its payload dropped', params: S.JobParams, body: S.EmptyBody } },
    async (request, reply) => {
      const principal = await guard.require(request, 'outbox.manage');
      await outbox.discardDead(request.params.id, actorOf(principal, request));
      return reply.code(204).send();
    },
  );

  // --- the page: a list with a retry and a discard button per job (plain forms, no script) ----------------
  const staffOr = (request: FastifyRequest, reply: FastifyReply) => pages.staffOr(request, reply, 'outbox.manage');

  app.get<{ Querystring: { done?: string } }>('/admin/outbox', { schema: { hide: true, querystring: S.PageQuery } }, async (request, reply) => {
    const principal = await staffOr(request, reply);
    if (principal === undefined) return reply;
    const [ctx, jobs, counts] = await Promise.all([pages.contextOf(request, principal), outbox.listDead(200), outbox.counts()]);
    return sendAdminPage(reply, deadJobsPage({ ctx, jobs, counts, locale: deps.locale, done: request.query.done }));
  });

  for (const action of ['retry', 'discard'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/outbox/dead-jobs/:id/${action}`, { schema: { hide: true, params: S.JobParams, body: S.FormBody } }, async (request, reply) => {
      const principal = await staffOr(request, reply);
      if (principal === undefined) return reply;
      if (action === 'retry') await outbox.retryDead(request.params.id, actorOf(principal, request));
      else await outbox.discardDead(request.params.id, actorOf(principal, request));
      return reply.redirect(`/admin/outbox?done=${action === 'retry' ? 'retried' : 'discarded'}`, 303);
    });
  }
}
