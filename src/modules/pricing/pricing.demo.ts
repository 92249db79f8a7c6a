import type { Db } from '../../db/database.js';

/**
 * Demo pricing so `npm start` can check out: UK VAT and a few European rates, delivery for the UK
 * (standard, free over 50.00 of the shop's currency, and express) and Europe (by weight), and one code,
 * WELCOME10 (10% off, once per customer). Written only into an empty pricing setup; returns whether it did.
 */
export async function seedDemoPricing(db: Db, currency: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('shipping_method').select('id').limit(1).executeTakeFirst();
    const rates = await trx.selectFrom('tax_rate').select('id').limit(1).executeTakeFirst();
    if (existing !== undefined || rates !== undefined) return false;
    await trx
      .insertInto('tax_rate')
      .values([
        { country: 'GB', region: '', name: 'VAT', rate_bp: 2000 },
        { country: 'IE', region: '', name: 'VAT', rate_bp: 2300 },
        { country: 'FR', region: '', name: 'TVA', rate_bp: 2000 },
        { country: 'DE', region: '', name: 'MwSt', rate_bp: 1900 },
        { country: 'NL', region: '', name: 'BTW', rate_bp: 2100 },
      ])
      .execute();
    await trx
      .insertInto('shipping_method')
      .values([
        { name: 'Standard delivery (2–4 working days)', countries: ['GB'], currency, kind: 'flat', price_amount: 395, bands: '[]', free_over_amount: 5000, position: 0 },
        { name: 'Express delivery (next working day)', countries: ['GB'], currency, kind: 'flat', price_amount: 895, bands: '[]', free_over_amount: null, position: 1 },
        {
          name: 'Tracked Europe (4–7 working days)',
          countries: ['IE', 'FR', 'DE', 'NL'],
          currency,
          kind: 'weight',
          price_amount: 0,
          bands: JSON.stringify([{ maxGrams: 2000, amount: 1295 }, { maxGrams: 10000, amount: 1995 }]),
          free_over_amount: 15000,
          position: 2,
        },
      ])
      .execute();
    await trx
      .insertInto('discount_code')
      .values({ code: 'WELCOME10', kind: 'percentage', percent_bp: 1000, amount: null, currency, min_subtotal: 0, per_customer_limit: 1, combinable: true })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    return true;
  });
}
