import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAdminPage, type AdminShell } from '../../backoffice/index.js';
import { can, type StaffPrincipal } from '../../kernel/permissions.js';
import { requestContext } from '../../kernel/request-context.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { StockListPage, VariantStockPage } from './admin/stock-pages.js';
import type { Movement } from './inventory.service.js';
import type { ChangedBy, StockAdmin, StockFilter } from './inventory.stock-admin.js';
import * as S from './inventory.schemas.js';

const tags = ['inventory'];
const pageSize = 50;

const changedBy = (principal: StaffPrincipal, request: FastifyRequest): ChangedBy => ({
  actor: { type: 'staff', id: principal.userId, role: principal.role },
  ...requestContext(request),
});

const movementJson = (m: Movement) => ({ ...m, createdAt: m.createdAt.toISOString() });

/** A whole, positive number typed into a form, or undefined. */
const wholeNumber = (value: string | undefined): number | undefined => {
  const text = (value ?? '').trim();
  if (!/^\d{1,7}$/.test(text)) return undefined;
  return Number(text);
};

/**
 * Stock for staff: reading needs `catalog.read`, changing needs `inventory.write`. The JSON API under
 * /api/v1/admin/inventory and the pages under /admin/inventory; every change is audited in its transaction.
 */
export function registerInventoryRoutes(app: FastifyInstance, shell: AdminShell, deps: { stock: StockAdmin; locale: string }): void {
  const { stock, locale } = deps;
  const { guard, pages } = shell;

  app.get<{ Querystring: { filter?: StockFilter; q?: string; product?: string; limit: number; offset: number } }>(
    '/api/v1/admin/inventory',
    { schema: { tags, summary: 'Stock per variant, least available first; filter low or sold out, search by SKU or product name', querystring: S.StockListQuery, response: { 200: S.StockList } } },
    async (request) => {
      await guard.require(request, 'catalog.read');
      const { filter = 'all', q, product, limit, offset } = request.query;
      const page = await stock.list({ filter, q, productId: product, limit, offset });
      return { ...page, limit, offset };
    },
  );

  app.get<{ Params: { variantId: string } }>(
    '/api/v1/admin/inventory/:variantId',
    { schema: { tags, summary: "One variant's stock and its ledger, newest first", params: S.VariantParams, response: { 200: S.VariantStock } } },
    async (request) => {
      await guard.require(request, 'catalog.read');
      const { row, movements, total } = await stock.variant(request.params.variantId);
      return { level: row, movements: movements.map(movementJson), total };
    },
  );

  app.post<{ Params: { variantId: string }; Body: { delta: number; reason: string } }>(
    '/api/v1/admin/inventory/:variantId/adjustments',
    { schema: { tags, summary: 'Adds or removes units with a reason (never below what is reserved); audited', params: S.VariantParams, body: S.AdjustmentBody, response: { 200: S.Change } } },
    async (request) => {
      const principal = await guard.require(request, 'inventory.write');
      return stock.adjust(request.params.variantId, request.body, changedBy(principal, request));
    },
  );

  app.put<{ Params: { variantId: string }; Body: { lowStockThreshold: number } }>(
    '/api/v1/admin/inventory/:variantId/threshold',
    { schema: { tags, summary: 'Sets the low-stock threshold ("Only N left" at or below it); audited', params: S.VariantParams, body: S.ThresholdBody, response: { 200: S.Change } } },
    async (request) => {
      const principal = await guard.require(request, 'inventory.write');
      return stock.setThreshold(request.params.variantId, request.body.lowStockThreshold, changedBy(principal, request));
    },
  );

  // --- pages ---------------------------------------------------------------------------------------------
  app.get<{ Querystring: { filter?: StockFilter; q?: string; product?: string; page: number } }>(
    '/admin/inventory',
    { schema: { hide: true, querystring: S.StockPageQuery } },
    async (request, reply) => {
      const principal = await pages.staffOr(request, reply, 'catalog.read');
      if (principal === undefined) return reply;
      const { filter = 'all', q = '', product = '', page } = request.query;
      const [ctx, list] = await Promise.all([
        pages.contextOf(request, principal),
        stock.list({ filter, q, productId: product || undefined, limit: pageSize, offset: (page - 1) * pageSize }),
      ]);
      return sendAdminPage(
        reply,
        <StockListPage ctx={ctx} locale={locale} {...list} filter={filter} q={q} productId={product} page={page} pageSize={pageSize} canWrite={can(principal.role, 'inventory.write')} />,
      );
    },
  );

  const renderVariant = async (
    request: FastifyRequest,
    reply: FastifyReply,
    principal: StaffPrincipal,
    variantId: string,
    extra: { notice?: string; errors?: FormError[]; form?: Record<string, string | undefined> } = {},
  ) => {
    const [ctx, view] = await Promise.all([pages.contextOf(request, principal), stock.variant(variantId)]);
    return sendAdminPage(reply, <VariantStockPage ctx={ctx} locale={locale} {...view} canWrite={can(principal.role, 'inventory.write')} {...extra} />);
  };

  app.get<{ Params: { variantId: string }; Querystring: { done?: 'adjusted' | 'threshold'; was?: number } }>(
    '/admin/inventory/:variantId',
    { schema: { hide: true, params: S.VariantParams, querystring: S.VariantPageQuery } },
    async (request, reply) => {
      const principal = await pages.staffOr(request, reply, 'catalog.read');
      if (principal === undefined) return reply;
      const notice =
        request.query.done === 'adjusted' ? 'Stock adjusted. The figures below and the ledger show the result.' : request.query.done === 'threshold' ? 'Low-stock threshold saved.' : undefined;
      return renderVariant(request, reply, principal, request.params.variantId, notice ? { notice } : {});
    },
  );

  app.post<{ Params: { variantId: string }; Body: { direction?: string; quantity?: string; reason?: string } }>(
    '/admin/inventory/:variantId/adjust',
    { schema: { hide: true, params: S.VariantParams, body: S.AdjustmentForm } },
    async (request, reply) => {
      const principal = await pages.staffOr(request, reply, 'inventory.write');
      if (principal === undefined) return reply;
      const { variantId } = request.params;
      const form = request.body;
      const quantity = wholeNumber(form.quantity);
      const reason = (form.reason ?? '').trim();
      const errors: FormError[] = [];
      if (quantity === undefined || quantity === 0) errors.push({ field: 'quantity', message: 'Enter the number of units as a whole number, like 5.' });
      if (reason === '') errors.push({ field: 'reason', message: 'Enter a reason for the adjustment.' });
      else if (reason.length > 200) errors.push({ field: 'reason', message: 'Keep the reason to 200 characters or fewer.' });
      if (errors.length === 0) {
        const delta = form.direction === 'remove' ? -quantity! : quantity!;
        try {
          await stock.adjust(variantId, { delta, reason }, changedBy(principal, request));
          return reply.redirect(`/admin/inventory/${variantId}?done=adjusted`, 303);
        } catch (err) {
          errors.push(...formErrorsOf(err, reply, (code) => (code === 'INVENTORY_BELOW_ZERO' || code === 'INVENTORY_INVALID_QUANTITY' ? 'quantity' : code === 'INVENTORY_REASON_REQUIRED' ? 'reason' : undefined)));
          if (reply.statusCode === 404) return reply.callNotFound();
        }
      } else reply.code(400);
      return renderVariant(request, reply, principal, variantId, { errors, form });
    },
  );

  app.post<{ Params: { variantId: string }; Body: { threshold?: string } }>(
    '/admin/inventory/:variantId/threshold',
    { schema: { hide: true, params: S.VariantParams, body: S.ThresholdForm } },
    async (request, reply) => {
      const principal = await pages.staffOr(request, reply, 'inventory.write');
      if (principal === undefined) return reply;
      const { variantId } = request.params;
      const threshold = wholeNumber(request.body.threshold);
      let errors: FormError[];
      if (threshold === undefined) {
        errors = [{ field: 'threshold', message: 'Enter the threshold as a whole number, like 5 (0 turns "Only N left" off).' }];
        reply.code(400);
      } else {
        try {
          await stock.setThreshold(variantId, threshold, changedBy(principal, request));
          return reply.redirect(`/admin/inventory/${variantId}?done=threshold`, 303);
        } catch (err) {
          errors = formErrorsOf(err, reply, () => 'threshold');
          if (reply.statusCode === 404) return reply.callNotFound();
        }
      }
      return renderVariant(request, reply, principal, variantId, { errors, form: { threshold: request.body.threshold } });
    },
  );
}
