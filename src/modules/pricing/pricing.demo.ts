import type { Db } from '../../db/database.js';
import type { WeightBand } from './pricing.tables.js';

/** Decimal places of a currency's minor unit (2 for GBP, 0 for JPY). */
export const minorDigits = (currency: string): number => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** Standard VAT of the countries the demo shop sells to, in basis points. */
const demoTaxRates: readonly { country: string; region: string; name: string; rateBp: number }[] = [
  { country: 'GB', region: '', name: 'VAT', rateBp: 2000 },
  { country: 'IE', region: '', name: 'VAT', rateBp: 2300 },
  { country: 'DE', region: '', name: 'MwSt.', rateBp: 1900 },
  { country: 'FR', region: '', name: 'TVA', rateBp: 2000 },
  { country: 'NL', region: '', name: 'BTW', rateBp: 2100 },
  { country: 'ES', region: '', name: 'IVA', rateBp: 2100 },
  { country: 'IT', region: '', name: 'IVA', rateBp: 2200 },
  { country: 'BE', region: '', name: 'BTW', rateBp: 2100 },
  // The United States: no federal rate, a couple of state sales taxes (elsewhere in the US, none).
  { country: 'US', region: 'CA', name: 'Sales tax', rateBp: 725 },
  { country: 'US', region: 'NY', name: 'Sales tax', rateBp: 400 },
];

const demoCountries = ['GB', 'IE', 'DE', 'FR', 'NL', 'ES', 'IT', 'BE', 'US'];

export interface DemoPricingResult {
  taxRates: number;
  shippingMethods: number;
  discountCodes: number;
}

/**
 * Tax rates, two shipping methods and one discount code (WELCOME10) so a fresh shop can check out. Each
 * table is filled only when it is empty, so running it again, or on a shop with its own settings, changes
 * nothing. Amounts are whole major units scaled to the currency's minor unit.
 */
export async function seedDemoPricing(db: Db, options: { currency: string }): Promise<DemoPricingResult> {
  const { currency } = options;
  const major = (units: number): number => units * 10 ** minorDigits(currency);
  return db.transaction().execute(async (trx) => {
    const empty = async (table: 'tax_rate' | 'shipping_method' | 'discount_code') =>
      (await trx.selectFrom(table).select('id').limit(1).executeTakeFirst()) === undefined;
    const result: DemoPricingResult = { taxRates: 0, shippingMethods: 0, discountCodes: 0 };
    if (await empty('tax_rate')) {
      await trx
        .insertInto('tax_rate')
        .values(demoTaxRates.map((r) => ({ country: r.country, region: r.region, name: r.name, rate_bp: r.rateBp })))
        .execute();
      result.taxRates = demoTaxRates.length;
    }
    if (await empty('shipping_method')) {
      const bands: WeightBand[] = [
        { maxGrams: 1000, amount: major(9) },
        { maxGrams: 5000, amount: major(14) },
        { maxGrams: 30000, amount: major(25) },
      ];
      await trx
        .insertInto('shipping_method')
        .values([
          { name: 'Standard delivery (3–5 working days)', countries: demoCountries, currency, kind: 'flat', price_amount: major(5), bands: '[]', free_over_amount: major(50), position: 0 },
          { name: 'Express delivery (next working day)', countries: demoCountries, currency, kind: 'weight', price_amount: 0, bands: JSON.stringify(bands), free_over_amount: null, position: 1 },
        ])
        .execute();
      result.shippingMethods = 2;
    }
    if (await empty('discount_code')) {
      await trx.insertInto('discount_code').values({ code: 'WELCOME10', kind: 'percentage', percent_bp: 1000, amount: null, currency, per_customer_limit: 1 }).execute();
      result.discountCodes = 1;
    }
    return result;
  });
}
