import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { RateLimitRule } from '../../src/http/rate-limit-rules.js';

/** The current value of a counter on an app's own registry, for one label set (0 when never counted). */
export async function counterValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return match?.value ?? 0;
}

/** Writes a rules file with small limits for a test, in the shape of config/rate-limits.json. */
export async function writeRules(rules: RateLimitRule[], exempt: string[] = ['/healthz', '/readyz', '/metrics']): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bastion-rules-'));
  const file = join(dir, 'rate-limits.json');
  await writeFile(file, JSON.stringify({ rules, exempt }));
  return file;
}

/** PAYMENTS=stripe with keys of the right shape: enough to build the app; no test here calls Stripe. */
export const stripeEnv = {
  PAYMENTS: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_pagechecks0000',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_pagechecks0000',
  STRIPE_WEBHOOK_SECRET: 'whsec_pagechecks0000',
} as const;
