import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { sendAdminPage, type AdminShell } from '../../../backoffice/index.js';
import { can, type Permission, type StaffPrincipal } from '../../../kernel/permissions.js';
import { requestContext } from '../../../kernel/request-context.js';
import type { FormError } from '../../../web/forms/fields.js';
import { formErrorsOf } from '../../../web/forms/page-replies.js';
import {
  parseDiscountForm,
  parseShippingForm,
  parseTaxRateForm,
  type ChangedBy,
  type FormValues,
  type Parsed,
  type PricingAdmin,
} from '../pricing.admin.forms.js';
import { DiscountFormPage, DiscountListPage, ShippingFormPage, ShippingListPage, TaxRateFormPage, TaxRatesPage } from './pricing-pages.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Done = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });
const field = Type.Optional(Type.String({ maxLength: 2000 }));
/** Every form's fields as typed; unknown fields are refused. */
const form = (names: readonly string[]) => Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), ...Object.fromEntries(names.map((n) => [n, field])) }, { additionalProperties: false });
const TaxForm = form(['country', 'region', 'name', 'rate']);
const ShippingForm = form(['name', 'countries', 'kind', 'price', 'bands', 'freeOver', 'position']);
const DiscountForm = form(['code', 'kind', 'percent', 'amount', 'minSubtotal', 'startsOn', 'endsOn', 'usageLimit', 'perCustomerLimit', 'combinable']);
const ActiveForm = form(['active']);
const EmptyForm = form([]);

const changedBy = (principal: StaffPrincipal, request: FastifyRequest): ChangedBy => ({
  actor: { type: 'staff', id: principal.userId, role: principal.role },
  ...requestContext(request),
});

const notices: Record<string, string> = {
  created: 'Added.',
  saved: 'Saved.',
  deleted: 'Deleted.',
  activated: 'Activated.',
  deactivated: 'Deactivated.',
};

/**
 * Pricing pages for staff: tax rates and shipping methods (read with settings.read, changed with
 * settings.write) and discount codes (promotions.write). Each change is audited in its transaction;
 * a form with mistakes comes back with its errors and a 4xx, and nothing is written.
 */
export function registerPricingAdminRoutes(app: FastifyInstance, shell: AdminShell, deps: { admin: PricingAdmin; locale: string }): void {
  const { admin, locale } = deps;
  const { pages } = shell;
  const currency = admin.currency;

  /** A list page, a "new" page, create, edit page, save, and one extra action, for one kind of row. */
  function section<Row extends { id: string }, Input>(s: {
    path: string;
    read: Permission;
    write: Permission;
    bodySchema: ReturnType<typeof form>;
    parse: (form: FormValues) => Parsed<Input>;
    fieldOf: (code: string) => string | undefined;
    load: (id: string) => Promise<Row>;
    create: (input: Input, by: ChangedBy) => Promise<Row>;
    update: (id: string, input: Input, by: ChangedBy) => Promise<Row>;
    list: (request: FastifyRequest, reply: FastifyReply, principal: StaffPrincipal, notice: string | undefined) => Promise<FastifyReply>;
    page: (request: FastifyRequest, reply: FastifyReply, principal: StaffPrincipal, props: { row?: Row | undefined; form?: FormValues; errors?: FormError[]; notice?: string | undefined }) => Promise<FastifyReply>;
  }) {
    app.get<{ Querystring: { done?: string } }>(s.path, { schema: { hide: true, querystring: Done } }, async (request, reply) => {
      const principal = await pages.staffOr(request, reply, s.read);
      if (principal === undefined) return reply;
      return s.list(request, reply, principal, notices[request.query.done ?? '']);
    });
    app.get(`${s.path}/new`, { schema: { hide: true } }, async (request, reply) => {
      const principal = await pages.staffOr(request, reply, s.write);
      if (principal === undefined) return reply;
      return s.page(request, reply, principal, {});
    });
    const save = async (request: FastifyRequest, reply: FastifyReply, id: string | undefined) => {
      const principal = await pages.staffOr(request, reply, s.write);
      if (principal === undefined) return reply;
      const body = request.body as FormValues;
      const row = id === undefined ? undefined : await s.load(id).catch(() => undefined);
      if (id !== undefined && row === undefined) return reply.callNotFound();
      const parsed = s.parse(body);
      let errors: FormError[];
      if (parsed.ok) {
        try {
          if (id === undefined) await s.create(parsed.value, changedBy(principal, request));
          else await s.update(id, parsed.value, changedBy(principal, request));
          return reply.redirect(`${s.path}?done=${id === undefined ? 'created' : 'saved'}`, 303);
        } catch (err) {
          errors = formErrorsOf(err, reply, s.fieldOf);
          if (reply.statusCode === 404) return reply.callNotFound();
        }
      } else {
        errors = parsed.errors;
        reply.code(400);
      }
      return s.page(request, reply, principal, { row, form: body, errors });
    };
    app.post(s.path, { schema: { hide: true, body: s.bodySchema } }, (request, reply) => save(request, reply, undefined));
    app.get<{ Params: { id: string } }>(`${s.path}/:id`, { schema: { hide: true, params: IdParams } }, async (request, reply) => {
      const principal = await pages.staffOr(request, reply, s.write);
      if (principal === undefined) return reply;
      const row = await s.load(request.params.id).catch(() => undefined);
      if (row === undefined) return reply.callNotFound();
      return s.page(request, reply, principal, { row });
    });
    app.post<{ Params: { id: string } }>(`${s.path}/:id`, { schema: { hide: true, params: IdParams, body: s.bodySchema } }, (request, reply) => save(request, reply, request.params.id));
  }

  /** The activate/deactivate button of shipping methods and discount codes. */
  function activeAction(path: string, write: Permission, setActive: (id: string, active: boolean, by: ChangedBy) => Promise<unknown>) {
    app.post<{ Params: { id: string }; Body: { active?: string } }>(`${path}/:id/active`, { schema: { hide: true, params: IdParams, body: ActiveForm } }, async (request, reply) => {
      const principal = await pages.staffOr(request, reply, write);
      if (principal === undefined) return reply;
      const active = request.body.active === 'yes';
      try {
        await setActive(request.params.id, active, changedBy(principal, request));
      } catch (err) {
        formErrorsOf(err, reply);
        return reply.callNotFound();
      }
      return reply.redirect(`${path}?done=${active ? 'activated' : 'deactivated'}`, 303);
    });
  }

  // --- Tax rates ---
  section({
    path: '/admin/pricing/tax-rates',
    read: 'settings.read',
    write: 'settings.write',
    bodySchema: TaxForm,
    parse: parseTaxRateForm,
    fieldOf: (code) => (code === 'PRICING_TAX_RATE_EXISTS' ? 'country' : undefined),
    load: (id) => admin.taxRate(id),
    create: (input, by) => admin.createTaxRate(input, by),
    update: (id, input, by) => admin.updateTaxRate(id, input, by),
    list: async (request, reply, principal, notice) => {
      const [ctx, rates] = await Promise.all([pages.contextOf(request, principal), admin.taxRates()]);
      return sendAdminPage(reply, <TaxRatesPage ctx={ctx} locale={locale} currency={currency} rates={rates} canWrite={can(principal.role, 'settings.write')} notice={notice} />);
    },
    page: async (request, reply, principal, p) => {
      const ctx = await pages.contextOf(request, principal);
      return sendAdminPage(reply, <TaxRateFormPage ctx={ctx} locale={locale} currency={currency} rate={p.row} form={p.form} errors={p.errors} />);
    },
  });
  app.post<{ Params: { id: string } }>('/admin/pricing/tax-rates/:id/delete', { schema: { hide: true, params: IdParams, body: EmptyForm } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'settings.write');
    if (principal === undefined) return reply;
    try {
      await admin.deleteTaxRate(request.params.id, changedBy(principal, request));
    } catch (err) {
      formErrorsOf(err, reply);
      return reply.callNotFound();
    }
    return reply.redirect('/admin/pricing/tax-rates?done=deleted', 303);
  });

  // --- Shipping methods ---
  section({
    path: '/admin/pricing/shipping',
    read: 'settings.read',
    write: 'settings.write',
    bodySchema: ShippingForm,
    parse: (f) => parseShippingForm(f, currency),
    fieldOf: () => undefined,
    load: (id) => admin.shippingMethod(id),
    create: (input, by) => admin.createShippingMethod(input, by),
    update: (id, input, by) => admin.updateShippingMethod(id, input, by),
    list: async (request, reply, principal, notice) => {
      const [ctx, methods] = await Promise.all([pages.contextOf(request, principal), admin.shippingMethods()]);
      return sendAdminPage(reply, <ShippingListPage ctx={ctx} locale={locale} currency={currency} methods={methods} canWrite={can(principal.role, 'settings.write')} notice={notice} />);
    },
    page: async (request, reply, principal, p) => {
      const ctx = await pages.contextOf(request, principal);
      return sendAdminPage(reply, <ShippingFormPage ctx={ctx} locale={locale} currency={currency} method={p.row} form={p.form} errors={p.errors} />);
    },
  });
  activeAction('/admin/pricing/shipping', 'settings.write', (id, active, by) => admin.setShippingMethodActive(id, active, by));

  // --- Discount codes ---
  section({
    path: '/admin/pricing/discounts',
    read: 'promotions.write',
    write: 'promotions.write',
    bodySchema: DiscountForm,
    parse: (f) => parseDiscountForm(f, currency),
    fieldOf: (code) => (code === 'PRICING_DISCOUNT_CODE_EXISTS' ? 'code' : undefined),
    load: (id) => admin.discount(id),
    create: (input, by) => admin.createDiscount(input, by),
    update: (id, input, by) => admin.updateDiscount(id, input, by),
    list: async (request, reply, principal, notice) => {
      const [ctx, discounts] = await Promise.all([pages.contextOf(request, principal), admin.discounts()]);
      return sendAdminPage(reply, <DiscountListPage ctx={ctx} locale={locale} currency={currency} discounts={discounts} notice={notice} />);
    },
    page: async (request, reply, principal, p) => {
      const ctx = await pages.contextOf(request, principal);
      return sendAdminPage(reply, <DiscountFormPage ctx={ctx} locale={locale} currency={currency} discount={p.row} form={p.form} errors={p.errors} />);
    },
  });
  activeAction('/admin/pricing/discounts', 'promotions.write', (id, active, by) => admin.setDiscountActive(id, active, by));
}
