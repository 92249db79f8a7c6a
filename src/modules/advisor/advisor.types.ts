import type { KeyInfo } from '../../adapters/keys/key-ring.js';
import type { Config } from '../../config.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One finding: a stable id, what was checked, how it stands, and a one-line fix when it is not a pass. */
export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** What the checks look at: the parsed configuration, the raw environment, and the key ring's keys. */
export interface AdvisorInput {
  config: Config;
  env: Readonly<Record<string, string | undefined>>;
  keys: KeyInfo[];
  now: Date;
}

/** A check group: a function of the input, returning its findings. One file per group under checks/. */
export type CheckGroup = (input: AdvisorInput) => CheckResult[];

/**
 * Reads a setting the configuration may or may not have yet (settings arrive as features do), so a
 * check never breaks on an older or newer Config shape.
 */
export function setting(config: Config, path: string): unknown {
  let value: unknown = config;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
