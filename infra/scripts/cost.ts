/**
 * Prints an itemised monthly estimate for a size preset from the dated price table:
 *   npm run cost -- --size small|medium|large [--global-accelerator] [--pipeline] [--az-count 3]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isSizeName, SIZES } from '../lib/config/sizes.js';
import { CPU_TARGET_PERCENT } from '../lib/constructs/app-fleet.js';
import { loadRateLimitRules, mirrorRateLimits } from '../lib/config/rate-limits.js';
import { estimateMonthlyCost, totalOf, type PriceTable } from './cost-model.js';
import { deploymentCounts } from './deployment-counts.js';

/** A CLI prints; the lint rule against console is for the server. */
const print = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const infraDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    'global-accelerator': { type: 'boolean', default: false },
    'az-count': { type: 'string', default: '2' },
    pipeline: { type: 'boolean', default: false },
  },
});
const size = values.size;
if (!isSizeName(size)) fail(`--size must be small, medium or large (got "${size}")`);
const azCount = Number(values['az-count']);
if (azCount !== 2 && azCount !== 3) fail('--az-count must be 2 or 3');

const prices = JSON.parse(readFileSync(join(infraDir, 'data', 'prices-us-east-1.json'), 'utf8')) as PriceTable;
const mirrored = mirrorRateLimits(loadRateLimitRules(join(infraDir, '..', 'config', 'rate-limits.json')).rules).mirrored.length;
const lines = estimateMonthlyCost(prices, {
  size,
  preset: SIZES[size],
  azCount,
  globalAccelerator: values['global-accelerator'],
  cpuTargetPercent: CPU_TARGET_PERCENT,
  pipeline: values.pipeline,
  ...deploymentCounts(mirrored),
});

const money = (amount: number): string => amount.toFixed(2).padStart(10);
const serviceWidth = Math.max(...lines.map((line) => line.service.length));
const itemWidth = Math.max(...lines.map((line) => line.item.length));
print(`Bastion monthly estimate: size ${size}, ${azCount} AZs${values['global-accelerator'] ? ', Global Accelerator' : ''}${values.pipeline ? ', release pipeline' : ''}`);
print(`${prices.region} on-demand prices as of ${prices.pricesAsOf}, ${prices.currency}`);
print();
for (const line of lines) {
  print(`${line.service.padEnd(serviceWidth)}  ${line.item.padEnd(itemWidth)}  ${money(line.monthly)}`);
}
print(`${''.padEnd(serviceWidth + itemWidth + 2, '-')}  ----------`);
print(`${'Total per month'.padEnd(serviceWidth + itemWidth + 2)}  ${money(totalOf(lines))}`);
print();
print(`Source: ${prices.source}`);
print('Not included: data transfer between AZs, taxes, support plans, free tiers, Savings Plans or Reserved Instances.');
