import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildBastion, type BastionStacks } from '../../lib/bastion-app.js';

export const INFRA_DIR = resolve(import.meta.dirname, '../..');

/** The context `cdk synth` would see: cdk.json's feature flags and defaults, plus the test's overrides. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(INFRA_DIR, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

export function newApp(overrides: Record<string, unknown> = {}): App {
  return new App({
    context: { ...cdkJsonContext(), ...overrides },
    outdir: mkdtempSync(join(tmpdir(), 'bastion-cdk-')),
  });
}

export interface SynthesizedBastion extends BastionStacks {
  readonly cdkApp: App;
  readonly templates: { readonly stateful: Template; readonly edge: Template; readonly app: Template; readonly recovery: Template; readonly pipeline: Template | undefined };
}

const synthesized = new Map<string, SynthesizedBastion>();

/**
 * Builds and synthesizes the whole app offline, as the CLI would. Synthesis runs the cdk-nag plugin, so
 * an unacknowledged finding fails here already. Results are memoised by their overrides: a synth takes
 * seconds, and the vitest config shares modules between the files of a worker so the memo spans files.
 * Tests only read the result.
 */
export function synthBastion(overrides: Record<string, unknown> = {}): SynthesizedBastion {
  const key = JSON.stringify(Object.entries(overrides).sort(([a], [b]) => a.localeCompare(b)));
  const cached = synthesized.get(key);
  if (cached !== undefined) return cached;
  const result = synthesize(overrides);
  synthesized.set(key, result);
  return result;
}

function synthesize(overrides: Record<string, unknown>): SynthesizedBastion {
  const cdkApp = newApp(overrides);
  const stacks = buildBastion(cdkApp, INFRA_DIR);
  const template = (stack: Stack): Template => Template.fromStack(stack);
  return {
    ...stacks,
    cdkApp,
    templates: {
      stateful: template(stacks.stateful),
      edge: template(stacks.edge),
      app: template(stacks.app),
      recovery: template(stacks.recovery),
      pipeline: stacks.pipeline === undefined ? undefined : template(stacks.pipeline),
    },
  };
}

/** Resources of one type in a template, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties?: Record<string, unknown> }> {
  return template.findResources(type);
}
