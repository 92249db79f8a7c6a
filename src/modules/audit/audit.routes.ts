import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../../http/problem.js';
import { sendAdminPage, type AdminShell } from '../../backoffice/index.js';
import { auditCsv } from './audit.csv.js';
import { auditExportMaxRows, parseAuditQuery, type AuditEventView, type AuditFilterError, type AuditQuery, type AuditQueryInput, type AuditSearch } from './audit.query.js';
import * as S from './audit.schemas.js';
import { auditTrailPage } from './pages/audit-page.js';

export interface AuditRouteDeps {
  query: AuditQuery;
  /** SHOP_LOCALE: how the page writes times and counts. */
  locale: string;
  now: () => Date;
}

const tags = ['audit'];

const itemDto = (e: AuditEventView) => ({
  seq: e.seq,
  occurredAt: e.occurredAt.toISOString(),
  actorType: e.actorType,
  actorId: e.actorId,
  actorRole: e.actorRole,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  changes: e.changes,
  clientIp: e.clientIp,
  requestId: e.requestId,
  outcome: e.outcome,
  hash: e.hash,
});

/** A 400 problem naming each bad filter, in the shape of the app's validation problems (`querystring.<name>`). */
function invalidFilters(request: FastifyRequest, reply: FastifyReply, errors: AuditFilterError[]) {
  return sendProblem(request, reply, {
    status: 400,
    code: 'AUDIT_FILTER_INVALID',
    title: 'Bad Request',
    detail: `${errors.map((e) => e.message).join('. ')}.`,
    errors: errors.map((e) => ({ field: `querystring.${e.field}`, message: e.message })),
  });
}

/**
 * The audit trail for staff with `audit.read` (owner, admin, auditor): the JSON API and the CSV export
 * under /api/v1/admin, and the page at /admin/audit. Every route asks the staff guard first, so a refused
 * attempt is audited (by the guard) before any filter is even read; reading itself records nothing.
 */
export function registerAuditRoutes(app: FastifyInstance, shell: AdminShell, deps: AuditRouteDeps): void {
  const { query, now } = deps;
  const { guard, pages } = shell;

  /** Validated filters, or undefined after answering 400. */
  const searchOf = (request: FastifyRequest<{ Querystring: AuditQueryInput }>, reply: FastifyReply): AuditSearch | undefined => {
    const parsed = parseAuditQuery(request.query);
    if (parsed.ok) return parsed.search;
    invalidFilters(request, reply, parsed.errors);
    return undefined;
  };

  app.get<{ Querystring: AuditQueryInput }>(
    '/api/v1/admin/audit-events',
    { schema: { tags, summary: 'Audit events, newest first, filtered; 50 a page (keyset by seq)', querystring: S.AuditEventsQuery, response: { 200: S.AuditEventList } } },
    async (request, reply) => {
      await guard.require(request, 'audit.read');
      const search = searchOf(request, reply);
      if (search === undefined) return reply;
      const page = await query.page(search);
      return { items: page.items.map(itemDto), nextBefore: page.nextBefore, total: page.total, totalExact: page.totalExact };
    },
  );

  app.get<{ Querystring: AuditQueryInput }>(
    '/api/v1/admin/audit-events.csv',
    {
      schema: {
        tags,
        summary: `Audit events as CSV (RFC 4180, formula cells neutralised), newest first, at most ${auditExportMaxRows.toLocaleString('en-GB')} rows`,
        querystring: S.AuditEventsQuery,
      },
    },
    async (request, reply) => {
      await guard.require(request, 'audit.read');
      const search = searchOf(request, reply);
      if (search === undefined) return reply;
      const batches = query.batches(search.filter, { limit: auditExportMaxRows + 1, ...(search.before !== undefined ? { before: search.before } : {}) });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${now().toISOString().slice(0, 10)}.csv"`)
        .header('x-export-row-limit', String(auditExportMaxRows))
        .send(Readable.from(auditCsv(batches, auditExportMaxRows)));
    },
  );

  // --- the page ---------------------------------------------------------------------------------------
  const send = sendAdminPage;
  const contextOf = pages.contextOf;
  const staffOr = (request: FastifyRequest, reply: FastifyReply) => pages.staffOr(request, reply, 'audit.read');

  app.get<{ Querystring: AuditQueryInput }>('/admin/audit', { schema: { hide: true, querystring: S.AuditPageQuery } }, async (request, reply) => {
    const principal = await staffOr(request, reply);
    if (principal === undefined) return reply;
    const ctx = await contextOf(request, principal);
    const parsed = parseAuditQuery(request.query);
    if (!parsed.ok) {
      reply.code(400);
      return send(reply, auditTrailPage({ ctx, locale: deps.locale, params: parsed.params, errors: parsed.errors }));
    }
    const page = await query.page(parsed.search);
    return send(reply, auditTrailPage({ ctx, locale: deps.locale, params: parsed.search.params, page }));
  });
}
