import type { CheckGroup, CheckResult } from '../advisor.types.js';

/** Settings that hold secrets, and what a real one must not look like. */
const secretNames = ['CSRF_SECRET', 'METRICS_TOKEN', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'LOCAL_MASTER_KEY', 'SESSION_SECRET'];
const placeholder = /^(change[-_ ]?me|changeit|secret|password|passw0rd|test|testing|example|default|admin|bastion|dev|development|xxx+|todo|123456)/i;
const weakDatabasePasswords = new Set(['', 'postgres', 'password', 'admin', 'root', 'bastion', 'secret', 'changeme']);

/** A secret is weak when it is a placeholder, short, or made of very few distinct characters. */
export function weakness(value: string): string | undefined {
  const material = value.includes(':') && !value.startsWith('sk_') && !value.startsWith('whsec_') ? value.slice(value.indexOf(':') + 1) : value;
  if (placeholder.test(material)) return 'is a placeholder value';
  if (material.length < 16) return 'is shorter than 16 characters';
  if (new Set(material).size < 8) return 'uses fewer than 8 distinct characters';
  return undefined;
}

/** Default or weak secrets, test keys in production, and a database password anyone would guess. */
export const secretChecks: CheckGroup = ({ config, env }) => {
  const production = config.nodeEnv === 'production';
  const problems: string[] = [];
  for (const name of secretNames) {
    const value = env[name]?.trim();
    if (value === undefined || value === '') continue;
    const why = weakness(value);
    if (why !== undefined) problems.push(`${name} ${why}`);
  }
  if (config.database.kind === 'postgres') {
    try {
      const password = decodeURIComponent(new URL(config.database.url).password);
      if (production && weakDatabasePasswords.has(password.toLowerCase())) problems.push('DATABASE_URL has a default or empty password');
    } catch {
      // loadConfig has already validated the URL.
    }
  }
  const results: CheckResult[] = [
    problems.length === 0
      ? { id: 'secrets', title: 'Default or weak secrets', status: 'pass', detail: 'no secret setting holds a placeholder or a short value' }
      : {
          id: 'secrets', title: 'Default or weak secrets', status: production ? 'fail' : 'warn', detail: problems.join('; '),
          fix: 'Replace each with a long random value, e.g. `openssl rand -base64 32`, kept in a secret store.',
        },
  ];
  if (production && env.STRIPE_SECRET_KEY?.startsWith('sk_test_')) {
    results.push({
      id: 'payment-keys', title: 'Live payment keys', status: 'warn', detail: 'STRIPE_SECRET_KEY is a test-mode key in production',
      fix: 'Use the live secret key (sk_live_...) when the shop takes real orders.',
    });
  }
  return results;
};
