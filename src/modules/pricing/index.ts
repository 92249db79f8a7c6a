/**
 * The pricing module's public face: quotes (tax, shipping, discount codes) computed on the server from
 * the catalog every time, and the discount redemptions the order's transaction takes and gives back.
 *
 *   const quote = await pricing.quote({ lines, shipTo: { country: 'GB' }, shippingMethodId, discountCode }, trx);
 *   if (quote.appliedDiscount) await pricing.redeemDiscount(trx, { discountId: quote.appliedDiscount.id, orderId, customerId, customerEmail });
 *   await pricing.releaseDiscount(trx, orderId);   // order cancelled or expired before payment; idempotent
 *
 * Rounding and the meaning of "combinable" are written down in pricing.calculate.ts and docs/pricing.md.
 */
export {
  createPricingService,
  type LineState,
  type PriceLineInput,
  type PricingDeps,
  type PricingService,
  type Quote,
  type QuoteInput,
  type QuotedLine,
  type QuoteProblem,
  type ShippingOption,
} from './pricing.service.js';
export { DiscountUnavailableError } from './pricing.errors.js';
export { readPricingSettings, type PricingSettings } from './pricing.settings.js';
export { allocate, discountAmount, mulDivRound, taxOf } from './pricing.calculate.js';
export { seedDemoPricing } from './pricing.demo.js';
export { createPricingAdmin, pricingAdmin } from './pricing.admin.js';
export type { PricingAdmin } from './pricing.admin.forms.js';
