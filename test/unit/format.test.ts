import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/web/format.js';
import { stockLevel } from '../../src/modules/inventory/index.js';

describe('money formatting', () => {
  it('turns minor units into a localised price without float drift', () => {
    expect(formatMoney({ amount: 2400, currency: 'GBP' }, 'en-GB')).toBe('£24.00');
    expect(formatMoney({ amount: 1999, currency: 'EUR' }, 'de-DE')).toBe('19,99\u00a0€');
    expect(formatMoney({ amount: 1005, currency: 'USD' }, 'en-US')).toBe('$10.05');
  });

  it('respects currencies without minor units', () => {
    expect(formatMoney({ amount: 1500, currency: 'JPY' }, 'en-GB')).toBe('JP¥1,500');
  });
});

describe('stock levels', () => {
  it('labels sold out, low (at or below the threshold) and in stock', () => {
    expect(stockLevel(0, 5)).toBe('sold_out');
    expect(stockLevel(3, 5)).toBe('low_stock');
    expect(stockLevel(5, 5)).toBe('low_stock');
    expect(stockLevel(6, 5)).toBe('in_stock');
    expect(stockLevel(1, 0)).toBe('in_stock');
  });
});
