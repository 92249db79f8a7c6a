import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { sendAdminPage, type AdminShell } from '../../../backoffice/index.js';
import { amountText, parseAmountText } from '../../../kernel/money-text.js';
import { can, type StaffPrincipal } from '../../../kernel/permissions.js';
import { formatMoney } from '../../../web/format.js';
import type { FormError } from '../../../web/forms/fields.js';
import { formErrorsOf } from '../../../web/forms/page-replies.js';
import { staffAction } from '../orders.admin-api.js';
import { cancelNeedsRefund, orderNotFound } from '../orders.errors.js';
import type { OrdersService } from '../orders.service.js';
import { orderStatuses, type OrderDetail, type ResendableMail } from '../orders.types.js';
import { ConfirmOrderActionPage, OrderDetailPage, type OrderForm } from './order-detail-page.js';
import { OrderListPage, type ListTab } from './order-list-page.js';

const pageSize = 50;
const dayMs = 86_400_000;

const Tab = Type.Union([Type.Literal('all'), Type.Literal('to_fulfil'), ...orderStatuses.map((s) => Type.Literal(s))]);
const ListQuery = Type.Object({
  status: Type.Optional(Tab),
  q: Type.Optional(Type.String({ maxLength: 254 })),
  from: Type.Optional(Type.String({ maxLength: 20 })),
  to: Type.Optional(Type.String({ maxLength: 20 })),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
});
const NumberParams = Type.Object({ number: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$' }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });
const token = { _csrf: Type.Optional(Type.String({ maxLength: 200 })) };
const strict = { additionalProperties: false } as const;
const FulfilForm = Type.Object(
  { ...token, carrier: Type.Optional(Type.String({ maxLength: 200 })), trackingNumber: Type.Optional(Type.String({ maxLength: 200 })) },
  // One quantity field per line, named qty-<line id>.
  { patternProperties: { '^qty-[0-9a-f-]{36}$': Type.String({ maxLength: 12 }) }, additionalProperties: false },
);
const EmptyForm = Type.Object(token, strict);
const ReasonForm = Type.Object({ ...token, reason: Type.Optional(Type.String({ maxLength: 400 })), confirm: Type.Optional(Type.Literal('yes')) }, strict);
const RefundForm = Type.Object(
  { ...token, amount: Type.Optional(Type.String({ maxLength: 40 })), reason: Type.Optional(Type.String({ maxLength: 400 })), confirm: Type.Optional(Type.Literal('yes')) },
  strict,
);
const ResendForm = Type.Object({ ...token, mail: Type.Union([Type.Literal('confirmation'), Type.Literal('shipping'), Type.Literal('refund')]) }, strict);

const notices: Record<string, string> = {
  fulfilled: 'Shipped. The customer has been sent the shipping mail.',
  delivered: 'Marked delivered.',
  cancelled: 'Order cancelled. The items are back in stock.',
  refunded: 'Refund sent to the payment provider. The customer has been sent a refund mail.',
  resent: 'Mail queued to the customer.',
};

const isoDay = /^\d{4}-\d{2}-\d{2}$/;
/** A typed YYYY-MM-DD as the start of that UTC day; undefined for '' and for anything that is not a real date. */
function dayOf(text: string): Date | undefined {
  if (!isoDay.test(text)) return undefined;
  const d = new Date(`${text}T00:00:00.000Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? undefined : d;
}

/**
 * The order pages: the list (orders.read) and one order (orders.read) with its actions: ship and mark
 * delivered, cancel and send a mail again (orders.fulfil), refund (orders.refund). Each action is a POST
 * form (the edge checks its token) that calls the orders service, which audits it in its transaction;
 * a refusal comes back inline on the order page with the service's message and the right status.
 * Cancel and refund go through a confirmation page first.
 */
export function registerOrderPages(app: FastifyInstance, shell: AdminShell, deps: { orders: OrdersService; locale: string }): void {
  const { orders, locale } = deps;
  const { pages } = shell;

  app.get<{ Querystring: { status?: ListTab; q?: string; from?: string; to?: string; page: number } }>(
    '/admin/orders',
    { schema: { hide: true, querystring: ListQuery } },
    async (request, reply) => {
      const principal = await pages.staffOr(request, reply, 'orders.read');
      if (principal === undefined) return reply;
      const { status = 'all', page } = request.query;
      const query = { tab: status, q: (request.query.q ?? '').trim(), from: (request.query.from ?? '').trim(), to: (request.query.to ?? '').trim(), page };
      const errors: FormError[] = [];
      const from = query.from === '' ? undefined : dayOf(query.from);
      const to = query.to === '' ? undefined : dayOf(query.to);
      if (query.from !== '' && from === undefined) errors.push({ field: 'from', message: 'Enter the start date as a real date, like 2026-11-30' });
      if (query.to !== '' && to === undefined) errors.push({ field: 'to', message: 'Enter the end date as a real date, like 2026-12-01' });
      if (from && to && to < from) errors.push({ field: 'to', message: 'The end date must be the same as or after the start date' });
      if (errors.length > 0) reply.code(400);
      const [ctx, list] = await Promise.all([
        pages.contextOf(request, principal),
        orders.list({
          status: status === 'all' ? undefined : status,
          ...(errors.length === 0 ? { from, to: to ? new Date(to.getTime() + dayMs) : undefined } : {}),
          q: query.q || undefined,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        }),
      ]);
      return sendAdminPage(reply, <OrderListPage ctx={ctx} locale={locale} list={list} query={query} pageSize={pageSize} errors={errors} />);
    },
  );

  /** The order of a number, as staff see it; ORDER_NOT_FOUND when there is none. */
  const orderOf = async (number: string): Promise<OrderDetail> => {
    const wanted = number.toUpperCase();
    const { items } = await orders.list({ q: wanted, limit: 1, offset: 0 });
    const found = items.find((o) => o.number.toUpperCase() === wanted);
    if (found === undefined) throw orderNotFound();
    return orders.detail(found.id);
  };

  const abilities = (principal: StaffPrincipal) => ({
    fulfil: can(principal.role, 'orders.fulfil'),
    refund: can(principal.role, 'orders.refund'),
    personalData: can(principal.role, 'orders.fulfil'),
  });

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    principal: StaffPrincipal,
    order: OrderDetail,
    extra: { notice?: string; errors?: FormError[]; form?: { name: OrderForm; values: Record<string, string | undefined> } } = {},
  ) => sendAdminPage(reply, <OrderDetailPage ctx={await pages.contextOf(request, principal)} locale={locale} order={order} can={abilities(principal)} {...extra} />);

  app.get<{ Params: { number: string }; Querystring: { done?: string } }>(
    '/admin/orders/:number',
    { schema: { hide: true, params: NumberParams, querystring: DoneQuery } },
    async (request, reply) => {
      const principal = await pages.staffOr(request, reply, 'orders.read');
      if (principal === undefined) return reply;
      const order = await orderOf(request.params.number);
      const notice = request.query.done ? notices[request.query.done] : undefined;
      return render(request, reply, principal, order, notice ? { notice } : {});
    },
  );

  /**
   * Runs one action of the order page: the permission, the order, the form's own checks, then the service
   * call; on success back to the order (303), on a refusal the page again with the errors and what was typed.
   */
  const action = <B extends Record<string, string | undefined>>(
    path: string,
    permission: 'orders.fulfil' | 'orders.refund',
    form: OrderForm,
    body: object,
    run: (ctx: { request: FastifyRequest<{ Params: { number: string }; Body: B }>; reply: FastifyReply; principal: StaffPrincipal; order: OrderDetail }) => Promise<
      { done: string } | { errors: FormError[] } | { page: FastifyReply }
    >,
    fieldFor: (code: string) => string | undefined = () => undefined,
  ) => {
    app.post<{ Params: { number: string }; Body: B }>(path, { schema: { hide: true, params: NumberParams, body } }, async (request, reply) => {
      const principal = await pages.staffOr(request, reply, permission);
      if (principal === undefined) return reply;
      const order = await orderOf(request.params.number);
      let errors: FormError[];
      try {
        const outcome = await run({ request, reply, principal, order });
        if ('page' in outcome) return outcome.page;
        if ('done' in outcome) return reply.redirect(`/admin/orders/${order.number}?done=${outcome.done}`, 303);
        errors = outcome.errors;
        reply.code(400);
      } catch (err) {
        errors = formErrorsOf(err, reply, fieldFor);
      }
      const { _csrf: _token, ...values } = request.body as Record<string, string | undefined>;
      // The order again after a refusal: it may have moved on (a refund arrived, another shipment).
      return render(request, reply, principal, await orders.detail(order.id), { errors, form: { name: form, values } });
    });
  };

  action<{ carrier?: string; trackingNumber?: string } & Record<string, string | undefined>>('/admin/orders/:number/fulfil', 'orders.fulfil', 'fulfil', FulfilForm, async ({ request, principal, order }) => {
    const errors: FormError[] = [];
    const lines: { orderLineId: string; quantity: number }[] = [];
    for (const line of order.lines) {
      const left = line.quantity - line.fulfilledQuantity;
      const text = request.body[`qty-${line.id}`];
      if (left <= 0 || text === undefined) continue;
      const t = text.trim() === '' ? '0' : text.trim();
      if (!/^\d{1,7}$/.test(t)) errors.push({ field: `qty-${line.id}`, message: `Enter a whole number of units for ${line.productName}, like ${left}` });
      else if (Number(t) > left) errors.push({ field: `qty-${line.id}`, message: `Only ${left} of ${line.productName} ${left === 1 ? 'is' : 'are'} left to ship` });
      else if (Number(t) > 0) lines.push({ orderLineId: line.id, quantity: Number(t) });
    }
    const carrier = (request.body.carrier ?? '').trim();
    const trackingNumber = (request.body.trackingNumber ?? '').trim();
    if (carrier.length > 60) errors.push({ field: 'carrier', message: 'Keep the carrier to 60 characters or fewer' });
    if (trackingNumber.length > 100) errors.push({ field: 'trackingNumber', message: 'Keep the tracking number to 100 characters or fewer' });
    if (errors.length === 0 && lines.length === 0) errors.push({ message: 'Enter how many units to ship of at least one item' });
    if (errors.length > 0) return { errors };
    await orders.fulfil(order.id, { lines, carrier: carrier || null, trackingNumber: trackingNumber || null }, staffAction(principal, request));
    return { done: 'fulfilled' };
  });

  action('/admin/orders/:number/delivered', 'orders.fulfil', 'delivered', EmptyForm, async ({ request, principal, order }) => {
    await orders.markDelivered(order.id, staffAction(principal, request));
    return { done: 'delivered' };
  });

  action<{ reason?: string; confirm?: string }>(
    '/admin/orders/:number/cancel',
    'orders.fulfil',
    'cancel',
    ReasonForm,
    async ({ request, reply, principal, order }) => {
      // A paid order is refunded in full by its cancellation: refused before the confirmation step to a
      // role without `orders.refund` (the service checks it again).
      if (order.status === 'paid' && !can(principal.role, 'orders.refund')) throw cancelNeedsRefund();
      const reason = (request.body.reason ?? '').trim();
      if (reason === '') return { errors: [{ field: 'cancelReason', message: 'Enter a reason for cancelling the order' }] };
      if (reason.length > 200) return { errors: [{ field: 'cancelReason', message: 'Keep the reason to 200 characters or fewer' }] };
      if (request.body.confirm !== 'yes') {
        const ctx = await pages.contextOf(request, principal);
        const paid = order.status !== 'pending_payment';
        return {
          page: await sendAdminPage(
            reply,
            <ConfirmOrderActionPage
              ctx={ctx}
              order={order}
              title={`Cancel order ${order.number}?`}
              summary={`${paid ? `${formatMoney(order.totals.total, locale)} is refunded to the customer in full, ` : 'The payment is stopped, '}the items go back into stock and the customer is told. This cannot be undone. Reason: “${reason}”.`}
              action={`/admin/orders/${order.number}/cancel`}
              fields={{ reason }}
              button="Yes, cancel the order"
            />,
          ),
        };
      }
      await orders.cancel(order.id, reason, staffAction(principal, request));
      return { done: 'cancelled' };
    },
    (code) => (code === 'ORDER_INVALID' ? 'cancelReason' : undefined),
  );

  action<{ amount?: string; reason?: string; confirm?: string }>(
    '/admin/orders/:number/refund',
    'orders.refund',
    'refund',
    RefundForm,
    async ({ request, reply, principal, order }) => {
      const currency = order.totals.total.currency;
      const errors: FormError[] = [];
      const amount = parseAmountText(request.body.amount ?? '', currency);
      const reason = (request.body.reason ?? '').trim();
      if (amount === undefined || amount === 0) errors.push({ field: 'amount', message: `Enter the amount to refund, like ${amountText(order.totals.total.amount - order.totals.refunded.amount, currency)}` });
      if (reason === '') errors.push({ field: 'reason', message: 'Enter a reason for the refund' });
      else if (reason.length > 200) errors.push({ field: 'reason', message: 'Keep the reason to 200 characters or fewer' });
      if (errors.length > 0) return { errors };
      const money = { amount: amount!, currency };
      if (request.body.confirm !== 'yes') {
        // The service refuses an amount above what is left too; saying so before the confirmation saves a step.
        const left = order.totals.total.amount - order.totals.refunded.amount;
        if (money.amount > left) return { errors: [{ field: 'amount', message: `At most ${formatMoney({ amount: left, currency }, locale)} can still be refunded on this order` }] };
        const ctx = await pages.contextOf(request, principal);
        return {
          page: await sendAdminPage(
            reply,
            <ConfirmOrderActionPage
              ctx={ctx}
              order={order}
              title={`Refund ${formatMoney(money, locale)}?`}
              summary={`${formatMoney(money, locale)} of order ${order.number} goes back to the customer's original payment, and they are told by e-mail. Reason: “${reason}”.`}
              action={`/admin/orders/${order.number}/refund`}
              fields={{ amount: amountText(money.amount, currency), reason }}
              button={`Yes, refund ${formatMoney(money, locale)}`}
            />,
          ),
        };
      }
      await orders.refund(order.id, { amount: money, reason }, staffAction(principal, request));
      return { done: 'refunded' };
    },
    (code) => (code === 'ORDER_REFUND_EXCEEDS_PAID' || code === 'PAYMENT_REFUND_EXCEEDS_CAPTURED' ? 'amount' : undefined),
  );

  action<{ mail: ResendableMail }>('/admin/orders/:number/resend', 'orders.fulfil', 'resend', ResendForm, async ({ request, principal, order }) => {
    await orders.resendMail(order.id, request.body.mail, staffAction(principal, request));
    return { done: 'resent' };
  });
}
