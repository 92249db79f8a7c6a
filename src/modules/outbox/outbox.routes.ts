import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestContext } from '../audit/audit.context.js';
import type { OutboxActor, OutboxService } from './outbox.service.js';
import * as S from './outbox.schemas.js';

/** The one thing the routes need from the staff module: the principal of a request allowed `outbox.manage`. */
export type RequireOperator = (request: FastifyRequest) => Promise<{ userId: string; role: string }>;

const tags = ['outbox'];

/**
 * The staff API for dead jobs under /api/v1/admin/outbox/dead-jobs: list, retry, discard. The guard
 * checks `outbox.manage` before the service runs; each change is audited in its own transaction.
 */
export function registerOutboxRoutes(app: FastifyInstance, deps: { outbox: OutboxService; requireOperator: RequireOperator }): void {
  const { outbox, requireOperator } = deps;
  const actorOf = async (request: FastifyRequest): Promise<OutboxActor> => {
    const principal = await requireOperator(request);
    return { actor: { type: 'staff', id: principal.userId, role: principal.role }, ...requestContext(request) };
  };

  app.get<{ Querystring: { limit?: number } }>(
    '/api/v1/admin/outbox/dead-jobs',
    { schema: { tags, querystring: S.DeadJobsQuery, response: { 200: S.DeadJobList } } },
    async (request) => {
      await requireOperator(request);
      const jobs = await outbox.listDead(request.query.limit);
      return { jobs: jobs.map((j) => ({ ...j, createdAt: j.createdAt.toISOString(), diedAt: j.diedAt.toISOString() })) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/outbox/dead-jobs/:id/retry',
    { schema: { tags, params: S.JobParams, body: S.EmptyBody } },
    async (request, reply) => {
      await outbox.retryDead(request.params.id, await actorOf(request));
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/outbox/dead-jobs/:id/discard',
    { schema: { tags, params: S.JobParams, body: S.EmptyBody } },
    async (request, reply) => {
      await outbox.discardDead(request.params.id, await actorOf(request));
      return reply.code(204).send();
    },
  );
}
