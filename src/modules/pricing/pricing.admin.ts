import type { AdminContribution } from '../../backoffice/index.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import { registerPricingAdminRoutes } from './admin/pricing-routes.js';
import type { ChangedBy, DiscountInput, PricingAdmin, ShippingMethodInput } from './pricing.admin.forms.js';
import * as repo from './pricing.admin.repository.js';
import { discountCodeExists, discountNotFound, shippingMethodNotFound, taxRateExists, taxRateNotFound } from './pricing.errors.js';
import type { DiscountCodeRow, ShippingMethodRow, TaxRateRow } from './pricing.tables.js';

const taxView = (r: TaxRateRow) => ({ country: r.country, region: r.region, name: r.name, rateBp: r.rate_bp });
const shippingView = (r: ShippingMethodRow) => ({
  name: r.name, countries: r.countries, currency: r.currency, kind: r.kind, priceAmount: r.price_amount, bands: r.bands,
  freeOverAmount: r.free_over_amount, active: r.active, position: r.position,
});
const discountView = (r: DiscountCodeRow) => ({
  code: r.code, kind: r.kind, percentBp: r.percent_bp, amount: r.amount, currency: r.currency, minSubtotal: r.min_subtotal,
  startsAt: r.starts_at?.toISOString() ?? null, endsAt: r.ends_at?.toISOString() ?? null, usageLimit: r.usage_limit,
  perCustomerLimit: r.per_customer_limit, combinable: r.combinable, active: r.active,
});

const shippingRow = (input: ShippingMethodInput) => ({
  name: input.name,
  countries: input.countries,
  kind: input.kind,
  price_amount: input.kind === 'flat' ? input.priceAmount : 0,
  bands: JSON.stringify(input.kind === 'weight' ? input.bands : []),
  free_over_amount: input.freeOverAmount,
  position: input.position,
});
const discountRow = (input: DiscountInput) => ({
  code: input.code,
  kind: input.kind,
  percent_bp: input.kind === 'percentage' ? input.percentBp : null,
  amount: input.kind === 'fixed' ? input.amount : null,
  min_subtotal: input.minSubtotal,
  starts_at: input.startsAt,
  ends_at: input.endsAt,
  usage_limit: input.usageLimit,
  per_customer_limit: input.perCustomerLimit,
  combinable: input.combinable,
});

export function createPricingAdmin(deps: { db: Db; audit: AuditService; currency: string }): PricingAdmin {
  const { db, audit, currency } = deps;
  const record = (trx: Db, by: ChangedBy, action: string, target: { type: string; id: string }, before: object | null, after: object | null) =>
    audit.record(trx, {
      actor: by.actor,
      action,
      target,
      before: before as Record<string, unknown> | null,
      after: after as Record<string, unknown> | null,
      clientIp: by.clientIp ?? null,
      requestId: by.requestId ?? null,
    });
  const found = <T>(row: T | undefined, missing: () => Error): T => {
    if (row === undefined) throw missing();
    return row;
  };

  return {
    currency,
    taxRates: () => repo.listTaxRates(db),
    taxRate: async (id) => found(await repo.findTaxRate(db, id), taxRateNotFound),
    createTaxRate: (input, by) =>
      db.transaction().execute(async (trx) => {
        const row = found(await repo.insertTaxRate(trx, { country: input.country, region: input.region, name: input.name, rate_bp: input.rateBp }), taxRateExists);
        await record(trx, by, 'pricing.tax_rate.create', { type: 'tax_rate', id: row.id }, null, taxView(row));
        return row;
      }),
    updateTaxRate: (id, input, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findTaxRate(trx, id, true), taxRateNotFound);
        const clash = await repo.findTaxRateAt(trx, input.country, input.region);
        if (clash !== undefined && clash.id !== id) throw taxRateExists();
        const after = found(await repo.updateTaxRate(trx, id, { country: input.country, region: input.region, name: input.name, rate_bp: input.rateBp }), taxRateNotFound);
        await record(trx, by, 'pricing.tax_rate.update', { type: 'tax_rate', id }, taxView(before), taxView(after));
        return after;
      }),
    deleteTaxRate: (id, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.deleteTaxRate(trx, id), taxRateNotFound);
        await record(trx, by, 'pricing.tax_rate.delete', { type: 'tax_rate', id }, taxView(before), null);
      }),

    shippingMethods: () => repo.listShippingMethods(db),
    shippingMethod: async (id) => found(await repo.findShippingMethod(db, id), shippingMethodNotFound),
    createShippingMethod: (input, by) =>
      db.transaction().execute(async (trx) => {
        const row = await repo.insertShippingMethod(trx, { ...shippingRow(input), currency });
        await record(trx, by, 'pricing.shipping_method.create', { type: 'shipping_method', id: row.id }, null, shippingView(row));
        return row;
      }),
    updateShippingMethod: (id, input, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findShippingMethod(trx, id, true), shippingMethodNotFound);
        const after = found(await repo.updateShippingMethod(trx, id, shippingRow(input)), shippingMethodNotFound);
        await record(trx, by, 'pricing.shipping_method.update', { type: 'shipping_method', id }, shippingView(before), shippingView(after));
        return after;
      }),
    setShippingMethodActive: (id, active, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findShippingMethod(trx, id, true), shippingMethodNotFound);
        const after = found(await repo.updateShippingMethod(trx, id, { active }), shippingMethodNotFound);
        await record(trx, by, active ? 'pricing.shipping_method.activate' : 'pricing.shipping_method.deactivate', { type: 'shipping_method', id }, shippingView(before), shippingView(after));
        return after;
      }),

    discounts: () => repo.listDiscounts(db),
    discount: async (id) => found(await repo.findDiscount(db, id), discountNotFound),
    createDiscount: (input, by) =>
      db.transaction().execute(async (trx) => {
        const row = found(await repo.insertDiscount(trx, { ...discountRow(input), currency }), discountCodeExists);
        await record(trx, by, 'pricing.discount.create', { type: 'discount_code', id: row.id }, null, discountView(row));
        return row;
      }),
    updateDiscount: (id, input, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findDiscount(trx, id, true), discountNotFound);
        const clash = await repo.findDiscountByCode(trx, input.code);
        if (clash !== undefined && clash.id !== id) throw discountCodeExists();
        // used_count is left alone: redemptions are counted by the orders that hold them.
        const after = found(await repo.updateDiscount(trx, id, discountRow(input)), discountNotFound);
        await record(trx, by, 'pricing.discount.update', { type: 'discount_code', id }, discountView(before), discountView(after));
        return after;
      }),
    setDiscountActive: (id, active, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findDiscount(trx, id, true), discountNotFound);
        const after = found(await repo.updateDiscount(trx, id, { active }), discountNotFound);
        await record(trx, by, active ? 'pricing.discount.activate' : 'pricing.discount.deactivate', { type: 'discount_code', id }, discountView(before), discountView(after));
        return after;
      }),
  };
}

/** Pricing in the back office: tax rates and shipping (settings), discount codes (promotions). */
export function pricingAdmin(deps: { admin: PricingAdmin; locale: string }): AdminContribution {
  return {
    name: 'pricing',
    navigation: [
      { href: '/admin/pricing/discounts', label: 'Discounts', permission: 'promotions.write', order: 40 },
      { href: '/admin/pricing/tax-rates', label: 'Tax rates', permission: 'settings.read', order: 50 },
      { href: '/admin/pricing/shipping', label: 'Shipping', permission: 'settings.read', order: 52 },
    ],
    register(app, shell) {
      registerPricingAdminRoutes(app, shell, deps);
    },
  };
}
