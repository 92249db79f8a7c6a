/**
 * Prints an itemised monthly estimate for a size preset from the dated price table:
 *   npm run cost -- --size small|medium|large [--global-accelerator]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isSizeName, SIZES } from '../lib/config/sizes.js';
import { loadRateLimitRules, mirrorRateLimits } from '../lib/config/rate-limits.js';
import { estimateMonthlyCost, totalOf, type PriceTable } from './cost-model.js';
import { deploymentCounts } from './deployment-counts.js';

const infraDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    'global-accelerator': { type: 'boolean', default: false },
    'az-count': { type: 'string', default: '2' },
  },
});
const size = values.size;
if (!isSizeName(size)) {
  console.error(`--size must be small, medium or large (got "${size}")`);
  process.exit(2);
}
const azCount = Number(values['az-count']);
if (azCount !== 2 && azCount !== 3) {
  console.error('--az-count must be 2 or 3');
  process.exit(2);
}

const prices = JSON.parse(readFileSync(join(infraDir, 'data', 'prices-us-east-1.json'), 'utf8')) as PriceTable;
const mirrored = mirrorRateLimits(loadRateLimitRules(join(infraDir, '..', 'config', 'rate-limits.json')).rules).mirrored.length;
const lines = estimateMonthlyCost(prices, {
  size,
  preset: SIZES[size],
  azCount,
  globalAccelerator: values['global-accelerator'],
  ...deploymentCounts(mirrored, values['global-accelerator']),
});

const money = (amount: number): string => amount.toFixed(2).padStart(10);
const serviceWidth = Math.max(...lines.map((line) => line.service.length));
const itemWidth = Math.max(...lines.map((line) => line.item.length));
console.log(`Bastion monthly estimate: size ${size}, ${azCount} AZs${values['global-accelerator'] ? ', Global Accelerator' : ''}`);
console.log(`${prices.region} on-demand prices as of ${prices.pricesAsOf}, ${prices.currency}`);
console.log('');
for (const line of lines) {
  console.log(`${line.service.padEnd(serviceWidth)}  ${line.item.padEnd(itemWidth)}  ${money(line.monthly)}`);
}
console.log(`${''.padEnd(serviceWidth + itemWidth + 2, '-')}  ----------`);
console.log(`${'Total per month'.padEnd(serviceWidth + itemWidth + 2)}  ${money(totalOf(lines))}`);
console.log('');
console.log(`Source: ${prices.source}`);
console.log('Not included: data transfer between AZs, taxes, support plans, free tiers, Savings Plans or Reserved Instances.');
