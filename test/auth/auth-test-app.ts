import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { generate } from 'otplib';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type BuiltApp } from '../../src/app.js';
import type { KeyRing } from '../../src/adapters/keys/key-ring.js';
import type { DevMailer, StoredMail } from '../../src/adapters/mail/dev.js';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { RateLimitRule } from '../../src/http/rate-limit-rules.js';
import { createPasswordHasher, type PasswordHasher } from '../../src/modules/auth/passwords.js';
import { openTestDatabase } from '../support/test-database.js';

/** Cheap argon2id for flow tests; test/auth/primitives.test.ts checks the real parameters. */
export const fastArgon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** A PasswordHasher that counts the work it does, for the enumeration tests. */
export interface CountingHasher extends PasswordHasher {
  calls: { hash: number; verify: number; dummy: number };
}

export function countingHasher(inner: PasswordHasher = createPasswordHasher(fastArgon2)): CountingHasher {
  const calls = { hash: 0, verify: 0, dummy: 0 };
  return {
    calls,
    hash: (p) => (calls.hash++, inner.hash(p)),
    verify: (h, p) => (calls.verify++, inner.verify(h, p)),
    verifyAgainstDummy: (p) => (calls.dummy++, inner.verifyAgainstDummy(p)),
    needsRehash: (h) => inner.needsRehash(h),
  };
}

export interface AuthTestApp extends BuiltApp {
  config: Config;
  database: DatabaseHandle;
  hasher: CountingHasher;
  mailbox: DevMailer;
  /** The app's clock; `advance` moves it. */
  clock: { now: Date; advance(ms: number): void };
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

const generous: RateLimitRule[] = [{ name: 'api', class: 'api', pathPrefix: '/api/', limit: 100_000, windowSeconds: 60 }];

/** The real app on a private test database, with a movable clock, the dev mailer and cheap argon2. */
export async function createAuthTestApp(
  env: Record<string, string> = {},
  options: { rules?: RateLimitRule[]; database?: DatabaseHandle; keyRing?: KeyRing } = {},
): Promise<AuthTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bastion-auth-'));
  const rulesFile = join(dataDir, 'rate-limits.json');
  await writeFile(rulesFile, JSON.stringify({ rules: options.rules ?? generous, exempt: [] }));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, RATE_LIMITS_FILE: rulesFile, CATALOG_CACHE_TTL_MS: '0', ...env });
  const database = options.database ?? (await openTestDatabase());
  const store = createLocalObjectStore(inject('objectsDir'));
  const logs: Record<string, unknown>[] = [];
  const clock = {
    now: new Date('2026-11-27T10:00:00.000Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const hasher = countingHasher();
  const built = await buildApp(config, {
    database,
    store,
    logStream: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
    passwordHasher: hasher,
    now: () => clock.now,
    // A second app on the same database must open the blind-index key sealed by the first one.
    ...(options.keyRing ? { keyRing: options.keyRing } : {}),
  });
  return {
    ...built,
    config,
    database,
    hasher,
    mailbox: built.mailer as DevMailer,
    clock,
    logs,
    close: async () => {
      await built.app.close();
      if (!options.database) await database.close();
    },
  };
}

/** The `name=value` pair of the session cookie a response sets ('' when it clears it); undefined if none. */
export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const found = all.find((c) => /^(__Host-)?session=/.test(c));
  return found?.split(';')[0];
}

/** Mails to one address, newest first, once everything queued was delivered. */
export async function mailsTo(t: AuthTestApp, to: string): Promise<StoredMail[]> {
  await t.outbox.drain();
  return (await t.mailbox.list()).filter((m) => m.to === to);
}

/** The token of the newest link in a mail to `to` whose URL contains `path`. */
export async function tokenFromMail(t: AuthTestApp, to: string, path: string): Promise<string> {
  for (const mail of await mailsTo(t, to)) {
    const match = new RegExp(`${path.replaceAll('/', '\\/')}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
    if (match) return match[1]!;
  }
  throw new Error(`no mail to ${to} with a ${path} link`);
}

let counter = 0;
/** A fresh address per test, so tests do not share accounts. */
export function newEmail(label = 'shopper'): string {
  counter += 1;
  return `${label}.${counter}.${Date.now().toString(36)}@example.com`;
}

export const goodPassword = 'linen-teapot-harbour-41';

export function post(t: AuthTestApp, url: string, payload?: unknown, cookie?: string) {
  return t.app.inject({
    method: 'POST',
    url,
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    headers: { ...(cookie ? { cookie } : {}) },
  });
}

/** Signs up, follows the verification link, and returns the address. */
export async function createVerifiedAccount(t: AuthTestApp, email = newEmail(), password = goodPassword): Promise<string> {
  const res = await post(t, '/api/v1/auth/sign-up', { email, password });
  if (res.statusCode !== 202) throw new Error(`sign-up failed: ${res.body}`);
  const token = await tokenFromMail(t, email, '/account/verify-email');
  const verified = await post(t, '/api/v1/auth/verify-email', { token });
  if (verified.statusCode !== 200) throw new Error(`verify failed: ${verified.body}`);
  return email;
}

/** Signs in and returns the session cookie pair. */
export async function signIn(t: AuthTestApp, email: string, password = goodPassword, cookie?: string): Promise<string> {
  const res = await post(t, '/api/v1/auth/sign-in', { email, password }, cookie);
  const set = sessionCookie(res);
  if (res.statusCode !== 200 || set === undefined) throw new Error(`sign-in failed: ${res.body}`);
  return set;
}

/** The TOTP code of `secret` at the app's clock, `steps` periods away. */
export function totp(t: AuthTestApp, secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(t.clock.now.getTime() / 1000) + steps * 30 });
}
