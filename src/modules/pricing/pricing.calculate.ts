/**
 * The arithmetic of a quote, without I/O, in integer minor units. The rules (docs/pricing.md says the same):
 *
 * - **Rounding** is half-up (half away from zero; every amount here is positive) on exact integer
 *   arithmetic (BigInt), once per line and once for shipping; the order's tax is the sum of the rounded
 *   line and shipping taxes, so the lines always add up to the order.
 * - **Tax-exclusive prices**: a line's tax is round(net × rate), its total net + tax.
 * - **Tax-inclusive prices**: the price already holds the tax; a line's tax is round(net × rate / (1 + rate))
 *   and its total is the net. The shopper pays the shelf price whatever the destination's rate.
 * - **Discounts** are computed on the order's subtotal (a percentage rounded half-up, a fixed amount capped
 *   at the subtotal), then spread over the lines in proportion to their subtotals by the largest-remainder
 *   method, so the line discounts sum to the order's exactly; tax is charged on what remains.
 *
 * Worked example (exclusive, 20%): lines of 3 × 0.99 and 1 × 0.05: taxes round(59.4) = 59 and
 * round(1) = 1, order tax 60 (not round(60.4) of the order).
 */

/** round(value × numerator / denominator), half-up, exactly. */
export function mulDivRound(value: number, numerator: number, denominator: number): number {
  if (denominator <= 0) throw new RangeError('denominator must be positive');
  const n = BigInt(value) * BigInt(numerator);
  const d = BigInt(denominator);
  const q = n / d;
  const r = n % d;
  return Number(2n * r >= d ? q + 1n : q);
}

/** The tax held in, or added to, `net` at `rateBp` basis points. */
export function taxOf(net: number, rateBp: number, inclusive: boolean): number {
  if (net <= 0 || rateBp <= 0) return 0;
  return inclusive ? mulDivRound(net, rateBp, 10_000 + rateBp) : mulDivRound(net, rateBp, 10_000);
}

/** Spreads `total` over `weights` in proportion, largest remainder first (ties: the earlier line). */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => BigInt(total) * BigInt(w));
  const shares = exact.map((e) => Number(e / BigInt(sum)));
  const remainders = exact.map((e, i) => ({ i, r: e % BigInt(sum) }));
  let left = total - shares.reduce((s, x) => s + x, 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

/** A discount's amount on `subtotal`: a percentage (basis points) rounded half-up, or a fixed amount capped. */
export function discountAmount(subtotal: number, rule: { kind: 'percentage' | 'fixed'; percentBp: number | null; amount: number | null }): number {
  if (subtotal <= 0) return 0;
  if (rule.kind === 'percentage') return Math.min(subtotal, mulDivRound(subtotal, rule.percentBp ?? 0, 10_000));
  return Math.min(subtotal, rule.amount ?? 0);
}

/** A weight-band price: the first band (by weight) whose maximum holds the parcel; undefined past the last. */
export function bandPrice(bands: readonly { maxGrams: number; amount: number }[], grams: number): number | undefined {
  return [...bands].sort((a, b) => a.maxGrams - b.maxGrams).find((b) => grams <= b.maxGrams)?.amount;
}
