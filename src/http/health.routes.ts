import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { DatabaseHandle } from '../db/database.js';
import { migrationsApplied } from '../db/migrate.js';
import type { HttpMetrics } from './metrics.js';
import { assertMetricsAccess } from './metrics.js';

const Check = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]), detail: Type.Optional(Type.String()) });
const Health = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Check)) });

export interface HealthDeps {
  database: DatabaseHandle;
  metrics: HttpMetrics;
  isShuttingDown: () => boolean;
  metricsAccess: { development: boolean; production: boolean; token: string | undefined };
}

/**
 * /healthz: the process answers (for restarts). /readyz: this instance can serve traffic: the database
 * answers, migrations are applied and it is not draining (for the load balancer's target health).
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  let migrated = false;

  app.get('/healthz', { schema: { response: { 200: Health } }, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: Health, 503: Health } }, logLevel: 'warn' }, async (_request, reply) => {
    const checks: Record<string, { status: 'ok' | 'fail'; detail?: string }> = {};
    try {
      await withTimeout(deps.database.ping(), 2_000);
      checks.database = { status: 'ok' };
      // Applied migrations never become unapplied, so one success is remembered.
      migrated ||= await migrationsApplied(deps.database.db);
      checks.migrations = migrated ? { status: 'ok' } : { status: 'fail', detail: 'pending migrations' };
    } catch {
      checks.database = { status: 'fail', detail: 'database unreachable' };
    }
    checks.draining = deps.isShuttingDown() ? { status: 'fail', detail: 'shutting down' } : { status: 'ok' };
    const ok = Object.values(checks).every((c) => c.status === 'ok');
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
  });

  app.get('/metrics', { logLevel: 'warn', schema: { hide: true } }, async (request, reply) => {
    assertMetricsAccess(request, deps.metricsAccess);
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
