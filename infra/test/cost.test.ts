import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIZES, type SizeName } from '../lib/config/sizes.js';
import { CPU_TARGET_PERCENT } from '../lib/constructs/app-fleet.js';
import { estimateMonthlyCost, totalOf, type PriceTable } from '../scripts/cost-model.js';
import { deploymentCounts } from '../scripts/deployment-counts.js';
import { INFRA_DIR, synthBastion, type SynthesizedBastion } from './support/synth.js';

const prices = JSON.parse(readFileSync(join(INFRA_DIR, 'data', 'prices-us-east-1.json'), 'utf8')) as PriceTable;
const estimate = (size: SizeName, globalAccelerator = false, pipeline = false) =>
  estimateMonthlyCost(prices, { size, preset: SIZES[size], azCount: 2, globalAccelerator, pipeline, cpuTargetPercent: CPU_TARGET_PERCENT, ...deploymentCounts(6) });

describe('cost estimate', () => {
  it('names its date and source', () => {
    expect(prices.pricesAsOf).toMatch(/^\d{4}-\d{2}/);
    expect(prices.source).toMatch(/Pricing Calculator/);
    expect(prices.region).toBe('us-east-1');
  });

  it('prices every size preset, itemised, and grows with the size', () => {
    const totals = (['small', 'medium', 'large'] as const).map((size) => {
      const lines = estimate(size);
      for (const line of lines) expect(line.monthly, line.item).toBeGreaterThan(0);
      return totalOf(lines);
    });
    expect(totals[0]).toBeLessThan(totals[1] ?? 0);
    expect(totals[1]).toBeLessThan(totals[2] ?? 0);
  });

  it('prices CPU credits of burstable instances at the scaling target, log delivery and the security services', () => {
    const items = (size: SizeName) => estimate(size).map((line) => `${line.service}: ${line.item}`);
    expect(items('small').join('\n')).toMatch(/CPU credits, unlimited mode at the 60% target/);
    expect(items('large').join('\n')).not.toMatch(/CPU credits/); // m7g is not burstable
    for (const service of ['Log delivery', 'GuardDuty', 'Inspector', 'Security Hub', 'AWS Config', 'SES']) {
      expect(estimate('small').map((line) => line.service), service).toContain(service);
    }
    expect(totalOf(estimate('small', false, true)) - totalOf(estimate('small'))).toBeGreaterThan(0);
  });

  it('matches docs/cost.md, which shows the script\'s own output for every size', () => {
    const doc = readFileSync(join(INFRA_DIR, '..', 'docs', 'cost.md'), 'utf8');
    for (const size of ['small', 'medium', 'large'] as const) {
      const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/cost.ts', '--size', size], { cwd: INFRA_DIR, encoding: 'utf8' });
      expect(doc, `docs/cost.md shows npm run cost -- --size ${size}`).toContain(output.trimEnd());
    }
  });

  it('adds Global Accelerator and a second WebACL when asked', () => {
    expect(totalOf(estimate('small', true)) - totalOf(estimate('small'))).toBeGreaterThan(18);
  });

  it('prints a total from the command line', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/cost.ts', '--size', 'medium'], { cwd: INFRA_DIR, encoding: 'utf8' });
    expect(output).toMatch(/Total per month\s+\d+\.\d\d/);
    expect(output).toContain('as of');
  });
});

describe('cost estimate counts match the synthesized stacks', () => {
  let bastion: SynthesizedBastion;
  beforeAll(() => {
    bastion = synthBastion();
  });

  it('counts keys, secrets, endpoints, alarms and WAF rules as deployed', () => {
    const counts = deploymentCounts(bastion.rateLimits.mirrored.length);
    const count = (stack: 'stateful' | 'edge' | 'app' | 'recovery', type: string): number =>
      Object.keys(bastion.templates[stack].findResources(type)).length;
    expect(count('stateful', 'AWS::KMS::Key') + count('edge', 'AWS::KMS::Key') + count('recovery', 'AWS::KMS::Key')).toBe(counts.kmsKeys);
    expect(count('stateful', 'AWS::SecretsManager::Secret')).toBe(counts.secrets);
    const endpoints = bastion.templates.stateful.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } });
    expect(Object.keys(endpoints)).toHaveLength(counts.interfaceEndpoints);
    expect(count('app', 'AWS::CloudWatch::Alarm') + count('edge', 'AWS::CloudWatch::Alarm')).toBe(counts.alarms);
    const acl = Object.values(bastion.templates.edge.findResources('AWS::WAFv2::WebACL'))[0] as { Properties: { Rules: unknown[] } };
    expect(acl.Properties.Rules).toHaveLength(counts.wafRules);
  });
});
