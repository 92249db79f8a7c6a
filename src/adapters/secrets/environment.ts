import type { SecretStore } from './secret-store.js';

type Env = Record<string, string | undefined>;

const settingName = /^[A-Z][A-Z0-9_]{0,127}$/;

/**
 * Builds the environment the app configures itself from, adding what lives in Secrets Manager:
 * - `SECRETS_ARN`: a JSON secret of settings (`STRIPE_SECRET_KEY`, `SMTP_URL`, ...). Its values win over
 *   the process environment, so a stale copy on disk can never shadow a rotated secret.
 * - `DATABASE_SECRET_ARN`: the RDS-managed secret (`username`, `host`, `port`, `dbname`). When
 *   `DATABASE_URL` is not set, it is built from that secret without the password, which the pool asks
 *   for at each new connection (see `databasePasswordProvider`), so rotation needs no restart.
 * Returns the names taken from secrets (never their values) for the startup log.
 */
export async function environmentWithSecrets(env: Env, store: SecretStore): Promise<{ env: Env; fromSecrets: string[] }> {
  const out: Env = { ...env };
  const fromSecrets: string[] = [];
  if (env.SECRETS_ARN) {
    const settings = await store.getJson(env.SECRETS_ARN);
    for (const [name, value] of Object.entries(settings)) {
      if (!settingName.test(name) || value === '') continue;
      out[name] = value;
      fromSecrets.push(name);
    }
  }
  if (env.DATABASE_SECRET_ARN && !out.DATABASE_URL) {
    const db = await store.getJson(env.DATABASE_SECRET_ARN);
    if (!db.username || !db.host) throw new Error('DATABASE_SECRET_ARN: the secret needs at least username and host');
    const url = new URL(`postgres://${db.host}`);
    url.username = encodeURIComponent(db.username);
    url.port = db.port ?? '5432';
    url.pathname = `/${db.dbname ?? 'bastion'}`;
    out.DATABASE_URL = url.toString();
    fromSecrets.push('DATABASE_URL');
  }
  return { env: out, fromSecrets };
}

/**
 * The database password from the RDS secret, cached for `maxAgeMs`. pg calls this for each new
 * connection; after a rotation, new connections pick up the new password within `maxAgeMs`, and
 * connections already open keep working.
 */
export function databasePasswordProvider(store: SecretStore, secretId: string, options: { maxAgeMs?: number; now?: () => number } = {}): () => Promise<string> {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  let cached: { password: string; at: number } | undefined;
  let inFlight: Promise<string> | undefined;
  return async () => {
    if (cached && now() - cached.at < maxAgeMs) return cached.password;
    inFlight ??= store
      .getJson(secretId)
      .then((s) => {
        if (!s.password) throw new Error('DATABASE_SECRET_ARN: the secret has no password');
        cached = { password: s.password, at: now() };
        return s.password;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
