import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createAccounts } from '../../src/modules/auth/accounts.js';
import { registerCognitoAuth } from '../../src/modules/auth/cognito/cognito.routes.js';
import { createIdTokenVerifier } from '../../src/modules/auth/cognito/id-token.js';
import { cognitoServerMetadata } from '../../src/modules/auth/cognito/oidc-client.js';
import { staffRoleFromGroups } from '../../src/modules/auth/cognito/staff-role.js';
import type { StaffRole } from '../../src/kernel/permissions.js';
import { signJwt, startTestIssuer, type TestIssuer } from '../support/oidc-issuer.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { goodPassword, newEmail, totp } from '../support/accounts.js';

const clientId = '4bastionwebclient7test';
const poolId = 'us-east-1_TestPool1';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Cookies per host:port, as a browser keeps them (enough for loopback: no paths, no expiry but Max-Age=0). */
class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();
  header(url: string): string {
    return [...(this.byHost.get(new URL(url).host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  store(url: string, res: Response): void {
    const host = new URL(url).host;
    const jar = this.byHost.get(host) ?? new Map<string, string>();
    this.byHost.set(host, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(eq + 1) === '') jar.delete(name);
      else jar.set(name, pair.slice(eq + 1));
    }
  }
  get(url: string, name: string): string | undefined {
    return this.byHost.get(new URL(url).host)?.get(name);
  }
  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    this.byHost.set(host, new Map([...(this.byHost.get(host) ?? []), [name, value]]));
  }
}

/** One request as a browser sends it (no redirect following), keeping cookies. */
async function visit(jar: CookieJar, url: string, init: { method?: string; accept?: string } = {}): Promise<Response> {
  const cookie = jar.header(url);
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: { accept: init.accept ?? 'application/json', ...(cookie ? { cookie } : {}) },
  });
  jar.store(url, res);
  return res;
}

/**
 * Follows redirects like a browser from `url`, across the app and the issuer, until a page answers or the
 * next URL matches `stopAt` (returned unvisited, so a test can alter the callback before the app sees it).
 */
async function browse(jar: CookieJar, url: string, stopAt?: (next: string) => boolean): Promise<{ url: string; res: Response | undefined; trail: string[] }> {
  const trail: string[] = [];
  let current = url;
  for (let hops = 0; hops < 20; hops += 1) {
    if (stopAt?.(current)) return { url: current, res: undefined, trail };
    trail.push(current);
    const res = await visit(jar, current);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null) return { url: current, res, trail };
    current = new URL(location, current).href;
  }
  throw new Error(`too many redirects: ${trail.join(' → ')}`);
}

const isCallback = (u: string) => /\/(account|admin)\/oauth\/callback/.test(u);

interface Harness {
  issuer: TestIssuer;
  t: TestApp;
  base: string;
}

async function problemCode(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code;
}

/**
 * The issuer's public key in each form an attacker can get without any secret: PEM (SubjectPublicKeyInfo
 * and PKCS#1, as `openssl` prints them, with and without the final newline) and JWK JSON exactly as the
 * JWKS endpoint serves it. Each one is used below as an HMAC secret.
 */
let h: Harness;
async function publicKeyForms(): Promise<[string, string][]> {
  const publicKey = createPublicKey(h.issuer.privateKey);
  const spki = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const pkcs1 = publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const jwks = (await (await fetch(h.issuer.jwksUri)).json()) as { keys: Record<string, unknown>[] };
  const published = jwks.keys.find((k) => k.kid === h.issuer.kid);
  if (published === undefined || 'd' in published) throw new Error('the JWKS does not publish the public key alone');
  return [
    ['PEM (spki)', spki],
    ['PEM (spki) without the final newline', spki.trimEnd()],
    ['PEM (pkcs1)', pkcs1],
    ['JWK as served by the JWKS', JSON.stringify(published)],
    ['JWK of the bare key', JSON.stringify(publicKey.export({ format: 'jwk' }))],
  ];
}

/** A JWT with header `alg: HS256` and the issuer's kid, its HMAC-SHA256 keyed with `secret`. */
function hs256WithPublicKey(payload: Record<string, unknown>, secret: string): string {
  const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: h.issuer.kid })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('Cognito sign-in (AUTH_PROVIDER=cognito) against a real OpenID issuer on loopback', () => {
  let syncCalls: { userId: string; role: StaffRole | null }[];
  let staffApp: TestApp;
  let staffBase: string;

  beforeAll(async () => {
    const [port, staffPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    staffBase = `http://127.0.0.1:${staffPort}`;
    const issuer = await startTestIssuer({
      clientId,
      redirectUris: [base, staffBase].flatMap((b) => [`${b}/account/oauth/callback`, `${b}/admin/oauth/callback`]),
    });
    const env = {
      AUTH_PROVIDER: 'cognito',
      COGNITO_USER_POOL_ID: poolId,
      COGNITO_CLIENT_ID: clientId,
      COGNITO_DOMAIN: issuer.issuer,
      COGNITO_ISSUER: issuer.issuer,
    };
    const t = await createTestApp({ ...env, PUBLIC_URL: base });
    await t.app.listen({ port, host: '127.0.0.1' });
    h = { issuer, t, base };

    // A second app on the same database, wired by hand the way app.ts will once the staff module passes
    // its role store: here a recorder, to see what the sign-in hands over.
    // Its staff pool is the same issuer under another pool id: only the flow tells them apart.
    syncCalls = [];
    staffApp = await createTestApp({ PUBLIC_URL: staffBase }, { database: t.database, keyRing: t.keyRing });
    const staffEnv = { COGNITO_STAFF_USER_POOL_ID: 'us-east-1_StaffPool9', COGNITO_STAFF_CLIENT_ID: clientId, COGNITO_STAFF_DOMAIN: issuer.issuer, COGNITO_STAFF_ISSUER: issuer.issuer };
    registerCognitoAuth(staffApp.app, {
      config: loadConfig({ NODE_ENV: 'test', PUBLIC_URL: staffBase, ...env, ...staffEnv }),
      db: t.database.db,
      fieldEncryption: staffApp.fieldEncryption,
      auth: staffApp.auth,
      sessionOf: staffApp.sessionOf,
      cookieMaxAgeSeconds: 3600,
      pageContext: async (path) => ({ shopName: 'Test', publicUrl: 'http://localhost:3000', locale: 'en-GB', stylesheet: '/s.css', currentPath: path, categories: [], footerLinks: [], cartCount: 0 }),
      syncStaffRole: async (userId, role) => void syncCalls.push({ userId, role }),
      now: () => staffApp.clock.now,
    });
    await staffApp.app.listen({ port: staffPort, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await staffApp?.close();
    await h?.t.close();
    await h?.issuer.close();
  });

  /** A new pool user; the next interaction at the issuer signs them in. */
  const poolUser = (user: { email?: string; emailVerified?: boolean; groups?: string[] } = {}) => {
    const sub = `sub-${Math.random().toString(36).slice(2)}`;
    h.issuer.users.set(sub, { email: newEmail('pool'), emailVerified: true, ...user });
    h.issuer.nextLogin = sub;
    return { sub, email: h.issuer.users.get(sub)!.email! };
  };

  const signInThroughPool = async (jar = new CookieJar(), flow: 'account' | 'admin' = 'account', base = h.base) => {
    const done = await browse(jar, `${base}/${flow}/oauth/start`, (u) => u === `${base}/${flow}` || u === `${base}/account`);
    return { jar, done };
  };

  const externalIdentities = (sub: string) =>
    h.t.database.db.selectFrom('external_identity').select(['user_id', 'provider']).where('subject', '=', sub).execute();

  const countRows = async (table: 'user_account' | 'user_session') =>
    Number((await h.t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  describe('without a staff pool (COGNITO_STAFF_* unset), as app.ts wires it', () => {
    const staffRows = (userId: string) => h.t.database.db.selectFrom('staff_member').select('role').where('user_id', '=', userId).execute();

    it('refuses the back-office sign-in before the pool: 403 AUTH_STAFF_POOL_REQUIRED, no attempt, nothing sent to the issuer', async () => {
      for (const path of ['/admin/sign-in', '/admin/oauth/start', '/admin/oauth/callback?code=x&state=y']) {
        const jar = new CookieJar();
        const res = await visit(jar, `${h.base}${path}`);
        expect([res.status, await problemCode(res)], path).toEqual([403, 'AUTH_STAFF_POOL_REQUIRED']);
        expect(res.headers.get('location'), path).toBeNull();
        expect(jar.get(h.base, 'oidc-attempt'), path).toBeUndefined();
      }
      const page = await visit(new CookieJar(), `${h.base}/admin/sign-in`, { accept: 'text/html' });
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('COGNITO_STAFF_');
    });

    it('gives a shopper-pool token carrying the owner group no back-office access: 403 STAFF_ACCESS_DENIED, no role row, nothing synced', async () => {
      const { sub } = poolUser({ groups: ['owner'] });
      const { jar, done } = await signInThroughPool();
      expect(done.url).toBe(`${h.base}/account`);
      const userId = (await externalIdentities(sub))[0]!.user_id;
      const me = await visit(jar, `${h.base}/api/v1/admin/me`);
      expect([me.status, await problemCode(me)]).toEqual([403, 'STAFF_ACCESS_DENIED']);
      const page = await visit(jar, `${h.base}/admin`, { accept: 'text/html' });
      expect(page.status).toBe(403);
      expect(await staffRows(userId)).toEqual([]);
      expect(await h.t.audit.listForTarget('staff_member', userId)).toEqual([]);
    });

    it('opens nothing for a role row stored before (a pool that once gave roles): every session is the shoppers\' pool\'s', async () => {
      const { sub } = poolUser({ groups: ['owner'] });
      const { jar } = await signInThroughPool();
      const userId = (await externalIdentities(sub))[0]!.user_id;
      await h.t.staff.syncFromIdentityProvider(userId, 'owner', { clientIp: '127.0.0.1', requestId: 'test' });
      expect(await staffRows(userId)).toEqual([{ role: 'owner' }]);
      const me = await visit(jar, `${h.base}/api/v1/admin/me`);
      expect([me.status, await problemCode(me)]).toEqual([403, 'STAFF_ACCESS_DENIED']);
      expect((await visit(jar, `${h.base}/admin`, { accept: 'text/html' })).status).toBe(403);
    });
  });

  describe('the code flow', () => {
    it('runs start → hosted UI → callback over HTTP, then /api/v1/me answers with the new, verified account', async () => {
      const { sub, email } = poolUser();
      const jar = new CookieJar();
      const flow = await browse(jar, `${h.base}/account/oauth/start`, (u) => u === `${h.base}/account`);
      // The browser went to the issuer's authorize endpoint with PKCE (S256), state and nonce, and came back.
      const authorize = new URL(flow.trail.find((u) => u.startsWith(`${h.issuer.issuer}/auth`))!);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(authorize.searchParams.get('client_id')).toBe(clientId);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${h.base}/account/oauth/callback`);
      expect(flow.trail.some(isCallback)).toBe(true);
      expect(jar.get(h.base, 'session')).toBeDefined();
      expect(jar.get(h.base, 'oidc-attempt')).toBeUndefined();

      const me = await visit(jar, `${h.base}/api/v1/me`);
      expect(me.status).toBe(200);
      const body = (await me.json()) as { id: string; email: string; emailVerified: boolean };
      expect(body).toMatchObject({ email, emailVerified: true });
      expect(await externalIdentities(sub)).toEqual([{ user_id: body.id, provider: 'cognito' }]);
      const row = await h.t.database.db.selectFrom('user_account').select(['password_hash']).where('id', '=', body.id).executeTakeFirstOrThrow();
      expect(row.password_hash).toBeNull();

      const sessions = await visit(jar, `${h.base}/api/v1/me/sessions`);
      expect(sessions.status).toBe(200);
      expect(((await sessions.json()) as { items: { current: boolean }[] }).items).toEqual([expect.objectContaining({ current: true })]);
      const page = await visit(jar, `${h.base}/account`, { accept: 'text/html' });
      expect(page.status).toBe(200);
      expect(h.t.logs.some((l) => l.authEvent === 'auth.sign_in_federated' && l.userId === body.id)).toBe(true);
      expect(h.t.logs.some((l) => l.authEvent === 'auth.federated_account_created' && l.userId === body.id)).toBe(true);
      expect(JSON.stringify(h.t.logs)).not.toContain(email);
    });

    it('sets the attempt cookie HttpOnly, SameSite=Lax, for 10 minutes, and clears it at the callback', async () => {
      const res = await visit(new CookieJar(), `${h.base}/account/oauth/start`);
      expect(res.status).toBe(303);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('oidc-attempt='))!;
      expect(cookie).toMatch(/^oidc-attempt=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    });

    it('a pool account deletes itself after a fresh pool sign-in; a stale session is refused and nothing is deleted', async () => {
      const { sub } = poolUser();
      const { jar } = await signInThroughPool();
      const inject = (url: string, method: 'GET' | 'POST' = 'GET', accept = 'application/json') =>
        h.t.app.inject({ method, url, headers: { cookie: `session=${jar.get(h.base, 'session')!}`, accept }, ...(method === 'POST' ? { payload: {} } : {}) });
      h.t.clock.advance(11 * 60_000);
      const stale = await inject('/api/v1/me/delete', 'POST');
      expect(stale.statusCode).toBe(403);
      expect(stale.json()).toMatchObject({ code: 'AUTH_REAUTH_REQUIRED' });
      expect((await inject('/api/v1/me')).statusCode).toBe(200);
      const page = await inject('/account/security/confirm?next=%2Faccount%2Fdelete', 'GET', 'text/html');
      expect(page.body).toContain('href="/account/oauth/start"');
      h.issuer.nextLogin = sub;
      await signInThroughPool(jar);
      const deleted = await inject('/api/v1/me/delete', 'POST');
      expect(deleted.statusCode, deleted.body).toBe(200);
      expect(await externalIdentities(sub)).toEqual([]);
    });

    it('finds the same account by sub the next time, and ends the session the browser carried (no fixation)', async () => {
      const { sub } = poolUser();
      const { jar } = await signInThroughPool();
      const first = jar.get(h.base, 'session')!;
      const id = ((await (await visit(jar, `${h.base}/api/v1/me`)).json()) as { id: string }).id;
      h.issuer.nextLogin = sub;
      await signInThroughPool(jar);
      const second = jar.get(h.base, 'session')!;
      expect(second).not.toBe(first);
      expect(((await (await visit(jar, `${h.base}/api/v1/me`)).json()) as { id: string }).id).toBe(id);
      const old = await fetch(`${h.base}/api/v1/me`, { headers: { cookie: `session=${first}` } });
      expect(old.status).toBe(401);
      expect(await externalIdentities(sub)).toHaveLength(1);
    });

    it('ends a session cookie an attacker planted before the victim signed in through the pool, and gives the victim a new one', async () => {
      poolUser();
      const attacker = await signInThroughPool();
      const planted = attacker.jar.get(h.base, 'session')!;
      const attackerId = ((await (await visit(attacker.jar, `${h.base}/api/v1/me`)).json()) as { id: string }).id;

      const { sub, email } = poolUser();
      const victimJar = new CookieJar();
      victimJar.set(h.base, 'session', planted);
      await signInThroughPool(victimJar);
      const issued = victimJar.get(h.base, 'session');
      expect(issued).toBeDefined();
      expect(issued).not.toBe(planted);
      const victim = (await (await visit(victimJar, `${h.base}/api/v1/me`)).json()) as { id: string; email: string };
      expect(victim).toMatchObject({ email });
      expect(victim.id).not.toBe(attackerId);
      expect(await externalIdentities(sub)).toEqual([{ user_id: victim.id, provider: 'cognito' }]);
      const withPlanted = await fetch(`${h.base}/api/v1/me`, { headers: { cookie: `session=${planted}` } });
      expect([withPlanted.status, await problemCode(withPlanted)]).toEqual([401, 'AUTH_SIGN_IN_REQUIRED']);
    });

    it('links an existing account by a verified address, keeping its id', async () => {
      const email = newEmail('existing');
      const accounts = createAccounts({ db: h.t.database.db, fieldEncryption: h.t.fieldEncryption, now: () => h.t.clock.now });
      const existing = (await accounts.create(email, await h.t.hasher.hash(goodPassword), { emailVerified: true }))!;
      const { sub } = poolUser({ email: email.toUpperCase() });
      const { jar } = await signInThroughPool();
      expect(((await (await visit(jar, `${h.base}/api/v1/me`)).json()) as { id: string }).id).toBe(existing.id);
      expect(await externalIdentities(sub)).toEqual([{ user_id: existing.id, provider: 'cognito' }]);
      expect(h.t.logs.some((l) => l.authEvent === 'auth.federated_account_linked' && l.userId === existing.id)).toBe(true);
    });

    it('adopts a never-verified account with that address: verified now, and the unproven password dropped', async () => {
      const email = newEmail('squatted');
      const accounts = createAccounts({ db: h.t.database.db, fieldEncryption: h.t.fieldEncryption, now: () => h.t.clock.now });
      const squatted = (await accounts.create(email, await h.t.hasher.hash('attacker-chose-this-1')))!;
      poolUser({ email });
      await signInThroughPool();
      const row = await h.t.database.db.selectFrom('user_account').select(['password_hash', 'email_verified_at']).where('id', '=', squatted.id).executeTakeFirstOrThrow();
      expect(row.password_hash).toBeNull();
      expect(row.email_verified_at).not.toBeNull();
    });

    it('refuses an address the pool has not verified (no link, no account): 403 AUTH_OIDC_EMAIL_UNVERIFIED', async () => {
      const { sub } = poolUser({ emailVerified: false });
      const { done } = await signInThroughPool();
      expect(done.res!.status).toBe(403);
      expect(await problemCode(done.res!)).toBe('AUTH_OIDC_EMAIL_UNVERIFIED');
      expect(await externalIdentities(sub)).toEqual([]);
    });

  });

  describe('staff roles from cognito:groups', () => {
    it('maps groups to one role, the most privileged winning; none → not staff', () => {
      expect(staffRoleFromGroups(['support', 'admin', 'newsletter'])).toBe('admin');
      expect(staffRoleFromGroups(['auditor', 'order_manager'])).toBe('order_manager');
      expect(staffRoleFromGroups(['owner', 'auditor'])).toBe('owner');
      expect(staffRoleFromGroups(['customers', 'Admin'])).toBeNull();
      expect(staffRoleFromGroups([])).toBeNull();
    });

    it('hands the mapped role to syncStaffRole after each staff-pool sign-in, before the session starts, and never after a shopper sign-in', async () => {
      const sub = 'staff-sub-1';
      h.issuer.users.set(sub, { email: newEmail('staff'), groups: ['auditor', 'catalog_manager', 'marketing'] });
      h.issuer.nextLogin = sub;
      const jar = new CookieJar();
      const { url } = await browse(jar, `${staffBase}/admin/oauth/start`, (u) => u === `${staffBase}/admin`);
      expect(url).toBe(`${staffBase}/admin`);
      const userId = (await externalIdentities(sub))[0]!.user_id;
      expect(syncCalls).toEqual([{ userId, role: 'catalog_manager' }]);

      h.issuer.users.set(sub, { ...h.issuer.users.get(sub)!, groups: [] });
      h.issuer.nextLogin = sub;
      // The same person at the shop's flow: refused (one pool per account), and no role is handed over.
      const shop = await browse(new CookieJar(), `${staffBase}/account/oauth/start`, (u) => u === `${staffBase}/account`);
      expect([shop.res?.status, await problemCode(shop.res!)]).toEqual([409, 'AUTH_OIDC_OTHER_POOL']);
      expect(syncCalls).toHaveLength(1);
      h.issuer.nextLogin = sub;
      await browse(jar, `${staffBase}/admin/oauth/start`, (u) => u === `${staffBase}/admin`);
      expect(syncCalls[1]).toEqual({ userId, role: null });
    });
  });

  describe('refusals at the callback (a 4xx problem, no session, nothing changed)', () => {
    /** Runs the flow up to the callback URL the issuer sends the browser to, without visiting it. */
    const untilCallback = async (flow: 'account' | 'admin' = 'account') => {
      const user = poolUser();
      const jar = new CookieJar();
      const { url } = await browse(jar, `${h.base}/${flow}/oauth/start`, isCallback);
      return { jar, callback: url, user };
    };
    const expectRefused = async (res: Response, status: number, code: string, jar: CookieJar, sub?: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await problemCode(res)).toBe(code);
      expect(jar.get(h.base, 'session')).toBeUndefined();
      expect((await visit(jar, `${h.base}/api/v1/me`)).status).toBe(401);
      if (sub !== undefined) expect(await externalIdentities(sub)).toEqual([]);
    };

    it('refuses a wrong state, and the attempt is used up (the right state then fails too)', async () => {
      const { jar, callback, user } = await untilCallback();
      const cookie = jar.get(h.base, 'oidc-attempt')!;
      const wrong = new URL(callback);
      wrong.searchParams.set('state', 'x'.repeat(43));
      await expectRefused(await visit(jar, wrong.href), 400, 'AUTH_OIDC_STATE_INVALID', jar, user.sub);
      jar.set(h.base, 'oidc-attempt', cookie);
      await expectRefused(await visit(jar, callback), 400, 'AUTH_OIDC_STATE_INVALID', jar, user.sub);
    });

    it('refuses a missing state', async () => {
      const { jar, callback, user } = await untilCallback();
      const url = new URL(callback);
      url.searchParams.delete('state');
      await expectRefused(await visit(jar, url.href), 400, 'AUTH_OIDC_STATE_INVALID', jar, user.sub);
    });

    it('refuses a callback without the attempt cookie (another browser: login CSRF)', async () => {
      const { callback, user } = await untilCallback();
      const stranger = new CookieJar();
      await expectRefused(await visit(stranger, callback), 400, 'AUTH_OIDC_STATE_INVALID', stranger, user.sub);
    });

    it('refuses a reused state: the same callback and cookie a second time', async () => {
      const { jar, callback } = await untilCallback();
      const cookie = jar.get(h.base, 'oidc-attempt')!;
      const first = await visit(jar, callback);
      expect(first.status).toBe(303);
      const replay = new CookieJar();
      replay.set(h.base, 'oidc-attempt', cookie);
      await expectRefused(await visit(replay, callback), 400, 'AUTH_OIDC_STATE_INVALID', replay);
    });

    it('refuses an attempt older than 10 minutes', async () => {
      const { jar, callback, user } = await untilCallback();
      h.t.clock.advance(10 * 60_000 + 1000);
      await expectRefused(await visit(jar, callback), 400, 'AUTH_OIDC_STATE_INVALID', jar, user.sub);
    });


    it('refuses error=access_denied from the issuer: 403 AUTH_OIDC_DENIED', async () => {
      poolUser();
      h.issuer.nextLogin = 'deny';
      const jar = new CookieJar();
      const { url } = await browse(jar, `${h.base}/account/oauth/start`, isCallback);
      expect(new URL(url).searchParams.get('error')).toBe('access_denied');
      await expectRefused(await visit(jar, url), 403, 'AUTH_OIDC_DENIED', jar);
      expect(h.t.logs.some((l) => l.authEvent === 'auth.failure' && l.code === 'AUTH_OIDC_DENIED')).toBe(true);
    });

    it('refuses an ID token whose signature was tampered with on its way from the token endpoint', async () => {
      const { jar, callback, user } = await untilCallback();
      const victim = poolUser();
      h.issuer.nextLogin = user.sub;
      // Same header and signature, the payload claiming to be somebody else.
      h.issuer.tamperNextIdToken = (token) => {
        const [header, payload, signature] = token.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
        return [header, Buffer.from(JSON.stringify({ ...claims, sub: victim.sub, email: victim.email })).toString('base64url'), signature].join('.');
      };
      await expectRefused(await visit(jar, callback), 401, 'AUTH_OIDC_TOKEN_INVALID', jar, victim.sub);
      expect(await externalIdentities(user.sub)).toEqual([]);
      // openid-client does not check the signature of a token from the token endpoint; our verifier did.
      expect(h.t.logs.some((l) => String(l.reason).startsWith('JwtInvalidSignatureError'))).toBe(true);
    });

    it('refuses an ID token signed by a key the JWKS does not hold (unknown kid)', async () => {
      const { jar, callback, user } = await untilCallback();
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      h.issuer.tamperNextIdToken = (token) => {
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
        return signJwt(claims, { key: privateKey, kid: 'not-in-the-jwks' });
      };
      await expectRefused(await visit(jar, callback), 401, 'AUTH_OIDC_TOKEN_INVALID', jar, user.sub);
      expect(h.t.logs.some((l) => String(l.reason).startsWith('KidNotFoundInJwksError'))).toBe(true);
    });

    it('refuses an ID token whose nonce is another sign-in’s', async () => {
      const { jar, callback, user } = await untilCallback();
      h.issuer.tamperNextIdToken = (token) => {
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
        return h.issuer.signJwt({ ...claims, nonce: 'a-nonce-from-another-sign-in' });
      };
      await expectRefused(await visit(jar, callback), 401, 'AUTH_OIDC_TOKEN_INVALID', jar, user.sub);
    });

    it('refuses an ID token with alg none', async () => {
      const { jar, callback, user } = await untilCallback();
      h.issuer.tamperNextIdToken = (token) => {
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
        return h.issuer.signJwt(claims, { alg: 'none' });
      };
      await expectRefused(await visit(jar, callback), 401, 'AUTH_OIDC_TOKEN_INVALID', jar, user.sub);
    });

    it('refuses, through the real callback, an HS256 ID token keyed with the issuer’s public key (PEM or JWK), creating no account and no session', async () => {
      for (const [form, secret] of await publicKeyForms()) {
        const { jar, callback, user } = await untilCallback();
        const [accountsBefore, sessionsBefore] = [await countRows('user_account'), await countRows('user_session')];
        h.issuer.tamperNextIdToken = (token) => hs256WithPublicKey(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>, secret);
        const res = await visit(jar, callback);
        expect(h.issuer.tamperNextIdToken, form).toBeUndefined();
        expect(res.status, form).toBe(401);
        expect(await problemCode(res), form).toBe('AUTH_OIDC_TOKEN_INVALID');
        expect(jar.get(h.base, 'session'), form).toBeUndefined();
        expect((await visit(jar, `${h.base}/api/v1/me`)).status, form).toBe(401);
        expect(await externalIdentities(user.sub), form).toEqual([]);
        expect([await countRows('user_account'), await countRows('user_session')], form).toEqual([accountsBefore, sessionsBefore]);
      }
    });
  });

  describe('the ID-token verifier', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = (extra: Record<string, unknown> = {}) => ({
      iss: h.issuer.issuer,
      aud: clientId,
      sub: 'verifier-sub',
      iat: now(),
      exp: now() + 300,
      token_use: 'id',
      nonce: 'the-nonce',
      email: 'Someone@Example.com',
      email_verified: true,
      'cognito:groups': ['admin', 7],
      ...extra,
    });
    let otherKey: KeyObject;
    const verifier = () => createIdTokenVerifier({ issuer: h.issuer.issuer, audience: clientId, jwksUri: h.issuer.jwksUri, allowHttp: true });
    const refused = async (token: string) => {
      await expect(verifier().verify(token, { nonce: 'the-nonce' })).rejects.toMatchObject({ code: 'AUTH_OIDC_TOKEN_INVALID' });
    };
    beforeAll(() => {
      otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    });

    it('accepts a token signed by the issuer’s key with the right claims', async () => {
      expect(await verifier().verify(h.issuer.signJwt(claims()), { nonce: 'the-nonce' })).toEqual({
        subject: 'verifier-sub',
        email: 'Someone@Example.com',
        emailVerified: true,
        groups: ['admin'],
      });
    });

    it('takes email_verified only as the boolean true', async () => {
      const identity = await verifier().verify(h.issuer.signJwt(claims({ email_verified: 'true' })), { nonce: 'the-nonce' });
      expect(identity.emailVerified).toBe(false);
    });

    it('refuses a wrong issuer', () => refused(h.issuer.signJwt(claims({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }))));
    it('refuses a wrong audience', () => refused(h.issuer.signJwt(claims({ aud: 'another-client' }))));
    it('refuses an expired token', () => refused(h.issuer.signJwt(claims({ exp: now() - 60, iat: now() - 700 }))));
    it('refuses a token without exp', () => refused(h.issuer.signJwt(claims({ exp: undefined }))));
    it('refuses a token not yet valid (nbf)', () => refused(h.issuer.signJwt(claims({ nbf: now() + 600 }))));
    it('refuses alg none', () => refused(h.issuer.signJwt(claims(), { alg: 'none' })));
    it('refuses an unknown key id', () => refused(signJwt(claims(), { key: otherKey, kid: 'unknown-kid' })));
    it('refuses a known key id over another key’s signature', () => refused(signJwt(claims(), { key: otherKey, kid: h.issuer.kid })));
    it('refuses an access token (token_use access)', () => refused(h.issuer.signJwt(claims({ token_use: 'access' }))));
    it('refuses a nonce that is not this sign-in’s', () => refused(h.issuer.signJwt(claims({ nonce: 'other' }))));
    it('refuses a token without sub', () => refused(h.issuer.signJwt(claims({ sub: undefined }))));

    it('refuses a tampered signature', async () => {
      const [header, payload, signature] = h.issuer.signJwt(claims()).split('.') as [string, string, string];
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      await refused([header, payload, flipped].join('.'));
      const forged = Buffer.from(JSON.stringify(claims({ sub: 'somebody-else' }))).toString('base64url');
      await refused([header, forged, signature].join('.'));
    });

    it('refuses HS256 tokens whose HMAC secret is the issuer’s public key, in every form an attacker can fetch (algorithm confusion)', async () => {
      const secrets = await publicKeyForms();
      expect(secrets.length).toBe(5);
      for (const [form, secret] of secrets) {
        await expect(verifier().verify(hs256WithPublicKey(claims(), secret), { nonce: 'the-nonce' }), form).rejects.toMatchObject({ code: 'AUTH_OIDC_TOKEN_INVALID' });
      }
    });

    it('refuses garbage', () => refused('not.a.jwt'));
  });

  describe('the local-only flows in cognito mode', () => {
    it('answer 404 AUTH_PROVIDER_COGNITO before their route runs', async () => {
      const local: [string, string][] = [
        ['POST', '/api/v1/auth/sign-in'],
        ['POST', '/api/v1/auth/sign-up'],
        ['POST', '/api/v1/auth/verify-email'],
        ['POST', '/api/v1/auth/password-reset/request'],
        ['POST', '/api/v1/auth/password-reset/confirm'],
        ['POST', '/api/v1/auth/password'],
        ['POST', '/api/v1/auth/mfa/enrol'],
        ['POST', '/api/v1/auth/mfa/verify'],
        ['POST', '/api/v1/auth/mfa/disable'],
        ['POST', '/account/sign-in'],
        ['POST', '/account/sign-up'],
        ['GET', '/account/reset'],
        ['GET', '/account/verify-email?token=x'],
        ['GET', '/account/mfa'],
        ['GET', '/account/security/password'],
        ['GET', '/account/security/mfa/disable'],
        ['POST', '/admin/sign-in'],
        ['GET', '/admin/mfa-setup'],
      ];
      for (const [method, url] of local) {
        const res = await h.t.app.inject({ method: method as 'GET' | 'POST', url, ...(method === 'POST' ? { payload: {} } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(res.json<{ code: string }>().code, `${method} ${url}`).toBe('AUTH_PROVIDER_COGNITO');
      }
    });

    it('send the sign-in and sign-up pages to the hosted UI, or home when already signed in', async () => {
      for (const [path, to] of [['/account/sign-in', '/account/oauth/start'], ['/account/sign-up', '/account/oauth/start']]) {
        const res = await h.t.app.inject({ method: 'GET', url: path!, headers: { accept: 'text/html' } });
        expect(res.statusCode, path).toBe(303);
        expect(res.headers.location, path).toBe(to);
      }
      poolUser();
      const { jar } = await signInThroughPool();
      const res = await visit(jar, `${h.base}/account/sign-in`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/account');
    });

    it('keep sign-out working, which then also ends the pool’s session through its /logout', async () => {
      poolUser();
      const { jar } = await signInThroughPool();
      const out = await visit(jar, `${h.base}/account/sign-out`, { method: 'POST' });
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/account/oauth/signed-out');
      expect((await visit(jar, `${h.base}/api/v1/me`)).status).toBe(401);
      const page = await visit(jar, `${h.base}/account/oauth/signed-out`, { accept: 'text/html' });
      expect(page.status).toBe(200);
      const logout = `${h.issuer.issuer}/logout?client_id=${clientId}&amp;logout_uri=${encodeURIComponent(`${h.base}/`)}`;
      expect(await page.text()).toContain(`content="0; url=${logout}"`);
      const admin = await visit(jar, `${h.base}/admin/oauth/signed-out`, { accept: 'text/html' });
      expect(await admin.text()).toContain(encodeURIComponent(`${h.base}/admin/sign-in`));
    });
  });
});

describe('accounts without a password, with the built-in provider', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const passwordless = async () => {
    const email = newEmail('federated');
    const accounts = createAccounts({ db: t.database.db, fieldEncryption: t.fieldEncryption, now: () => t.clock.now });
    const account = (await accounts.create(email, null, { emailVerified: true }))!;
    const { token } = await t.auth.sessions.create(account.id, { mfaVerified: true, reauthenticated: true });
    return { email, account, cookie: `session=${token}` };
  };

  it('refuses a password sign-in exactly like a wrong password, after the same dummy verification', async () => {
    const { email } = await passwordless();
    const before = { ...t.hasher.calls };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: goodPassword } });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ code: string }>().code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(t.hasher.calls.dummy - before.dummy).toBe(1);
    expect(t.hasher.calls.verify - before.verify).toBe(0);
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: newEmail('nobody'), password: goodPassword } });
    expect(unknown.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS', detail: res.json<{ detail: string }>().detail });
  });

  it('refuses a password change with AUTH_INVALID_CREDENTIALS', async () => {
    const { cookie } = await passwordless();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { cookie }, payload: { currentPassword: goodPassword, newPassword: 'another-long-passphrase-9' } });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ code: string }>().code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('refuses turning MFA off with AUTH_INVALID_CREDENTIALS', async () => {
    const { cookie } = await passwordless();
    const enrol = await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/enrol', headers: { cookie }, payload: {} });
    const { secret } = enrol.json<{ secret: string }>();
    const confirm = await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/confirm', headers: { cookie }, payload: { code: await totp(t, secret) } });
    expect(confirm.statusCode).toBe(200);
    const rotated = confirm.headers['set-cookie']!.toString().match(/session=([^;]+)/)![0];
    t.clock.advance(31_000);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/disable', headers: { cookie: rotated }, payload: { password: goodPassword, code: await totp(t, secret) } });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ code: string }>().code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('keeps the argon2id check on a password that is set', async () => {
    await expect(
      t.database.db
        .insertInto('user_account')
        .values({ id: '00000000-0000-4000-8000-000000000001', email_encrypted: Buffer.from('x'), email_index: Buffer.from('y'), password_hash: 'plain-text', created_at: new Date(), updated_at: new Date() })
        .execute(),
    ).rejects.toThrow();
  });
});

describe('Cognito configuration', () => {
  const cognitoEnv = { AUTH_PROVIDER: 'cognito', COGNITO_USER_POOL_ID: 'us-east-1_AbC123', COGNITO_CLIENT_ID: 'abc123client', COGNITO_DOMAIN: 'https://shop.auth.us-east-1.amazoncognito.com' };
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ NODE_ENV: 'test', ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('defaults to the built-in accounts', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.auth.provider).toBe('local');
    expect(config.auth.cognito).toBeUndefined();
  });

  it('derives the pool issuer and its region from the pool id', () => {
    const config = loadConfig({ NODE_ENV: 'test', ...cognitoEnv });
    expect(config.auth.cognito).toEqual({
      poolId: 'us-east-1_AbC123',
      clientId: 'abc123client',
      domain: 'https://shop.auth.us-east-1.amazoncognito.com',
      region: 'us-east-1',
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123',
      discover: false,
    });
    expect(cognitoServerMetadata(config.auth.cognito!)).toMatchObject({
      authorization_endpoint: 'https://shop.auth.us-east-1.amazoncognito.com/oauth2/authorize',
      token_endpoint: 'https://shop.auth.us-east-1.amazoncognito.com/oauth2/token',
      jwks_uri: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json',
    });
  });

  it('names every missing setting at once', () => {
    const found = problems({ AUTH_PROVIDER: 'cognito' });
    expect(found.some((p) => p.startsWith('COGNITO_USER_POOL_ID: required'))).toBe(true);
    expect(found.some((p) => p.startsWith('COGNITO_CLIENT_ID: required'))).toBe(true);
    expect(found.some((p) => p.startsWith('COGNITO_DOMAIN: required'))).toBe(true);
  });

  it('refuses a malformed pool id, client id, domain and an unknown provider', () => {
    expect(problems({ ...cognitoEnv, COGNITO_USER_POOL_ID: 'AbC123' }).some((p) => p.startsWith('COGNITO_USER_POOL_ID:'))).toBe(true);
    expect(problems({ ...cognitoEnv, COGNITO_CLIENT_ID: 'bad client!' }).some((p) => p.startsWith('COGNITO_CLIENT_ID:'))).toBe(true);
    expect(problems({ ...cognitoEnv, COGNITO_DOMAIN: 'ftp://x' }).some((p) => p.startsWith('COGNITO_DOMAIN:'))).toBe(true);
    expect(problems({ AUTH_PROVIDER: 'okta' }).some((p) => p.startsWith('AUTH_PROVIDER:'))).toBe(true);
  });

  it('refuses a plain-http issuer or domain in production, and allows them in test and development', () => {
    const prod = problems({ ...cognitoEnv, NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', COGNITO_ISSUER: 'http://127.0.0.1:9000', COGNITO_DOMAIN: 'http://127.0.0.1:9000' });
    expect(prod.some((p) => p.startsWith('COGNITO_ISSUER: must use https://'))).toBe(true);
    expect(prod.some((p) => p.startsWith('COGNITO_DOMAIN: must use https://'))).toBe(true);
    for (const nodeEnv of ['test', 'development']) {
      const found = problems({ ...cognitoEnv, NODE_ENV: nodeEnv, COGNITO_ISSUER: 'http://127.0.0.1:9000' });
      expect(found.filter((p) => p.startsWith('COGNITO_')), nodeEnv).toEqual([]);
    }
    const config = loadConfig({ NODE_ENV: 'test', ...cognitoEnv, COGNITO_ISSUER: 'http://127.0.0.1:9000' });
    expect(config.auth.cognito).toMatchObject({ issuer: 'http://127.0.0.1:9000', discover: true });
  });
});

describe('a staff pool of its own (COGNITO_STAFF_*), where the pool requires MFA', () => {
  let shoppers: TestIssuer;
  let staffIssuer: TestIssuer;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const redirectUris = [`${base}/account/oauth/callback`, `${base}/admin/oauth/callback`];
    shoppers = await startTestIssuer({ clientId, redirectUris });
    staffIssuer = await startTestIssuer({ clientId: 'staffclient', redirectUris });
    t = await createTestApp({
      PUBLIC_URL: base,
      AUTH_PROVIDER: 'cognito',
      COGNITO_USER_POOL_ID: poolId,
      COGNITO_CLIENT_ID: clientId,
      COGNITO_DOMAIN: shoppers.issuer,
      COGNITO_ISSUER: shoppers.issuer,
      COGNITO_STAFF_USER_POOL_ID: 'us-east-1_StaffPool1',
      COGNITO_STAFF_CLIENT_ID: 'staffclient',
      COGNITO_STAFF_DOMAIN: staffIssuer.issuer,
      COGNITO_STAFF_ISSUER: staffIssuer.issuer,
    });
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.close();
    await shoppers?.close();
    await staffIssuer?.close();
  });

  const userAt = (issuer: TestIssuer, groups: string[]) => {
    const sub = `sub-${Math.random().toString(36).slice(2)}`;
    issuer.users.set(sub, { email: newEmail('pool'), emailVerified: true, groups });
    issuer.nextLogin = sub;
    return sub;
  };
  const roleOfSubject = async (sub: string) => {
    const link = await t.database.db.selectFrom('external_identity').select(['user_id', 'provider']).where('subject', '=', sub).executeTakeFirst();
    const member = link ? await t.database.db.selectFrom('staff_member').select('role').where('user_id', '=', link.user_id).executeTakeFirst() : undefined;
    return { provider: link?.provider, role: member?.role };
  };

  it('sends /admin sign-in to the staff pool and the shop sign-in to the shoppers\' pool', async () => {
    const admin = await visit(new CookieJar(), `${base}/admin/oauth/start`);
    expect(admin.status).toBe(303);
    expect(new URL(admin.headers.get('location')!).origin).toBe(new URL(staffIssuer.issuer).origin);
    expect(new URL(admin.headers.get('location')!).searchParams.get('client_id')).toBe('staffclient');
    const shop = await visit(new CookieJar(), `${base}/account/oauth/start`);
    expect(new URL(shop.headers.get('location')!).searchParams.get('client_id')).toBe(clientId);
  });

  it('sends /admin/sign-in to the staff pool\'s start', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/sign-in', headers: { accept: 'text/html' } });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/admin/oauth/start']);
  });

  it('makes a member of the auditor group an auditor at sign-in, audits it, and takes the role away when the group is left', async () => {
    const sub = userAt(staffIssuer, ['auditor']);
    const jar = new CookieJar();
    await browse(jar, `${base}/admin/oauth/start`, (u) => u === `${base}/admin`);
    const me = await visit(jar, `${base}/api/v1/admin/me`);
    expect(me.status).toBe(200);
    const { userId, role } = (await me.json()) as { userId: string; role: string };
    expect(role).toBe('auditor');
    // The pool did the second factor: no local enrolment is asked for.
    expect((await visit(jar, `${base}/admin`, { accept: 'text/html' })).status).toBe(200);
    const synced = await t.audit.listForTarget('staff_member', userId);
    expect(synced.map((e) => [e.action, e.actorType, e.actorRole])).toEqual([['staff.role_synced', 'system', 'identity-provider']]);
    // Roles are the pool's: the back office refuses to invite or change them.
    await expect(t.staff.inviteFromCommandLine({ email: newEmail(), role: 'owner' })).rejects.toMatchObject({ code: 'STAFF_MANAGED_BY_IDENTITY_PROVIDER' });

    staffIssuer.users.set(sub, { ...staffIssuer.users.get(sub)!, groups: [] });
    staffIssuer.nextLogin = sub;
    const again = new CookieJar();
    await browse(again, `${base}/admin/oauth/start`, (u) => u === `${base}/admin`);
    expect(await t.staff.roleOf(userId)).toBeUndefined();
    const refused = await visit(again, `${base}/api/v1/admin/me`);
    expect([refused.status, await problemCode(refused)]).toEqual([403, 'STAFF_ACCESS_DENIED']);
    expect((await t.audit.listForTarget('staff_member', userId)).map((e) => e.action)).toEqual(['staff.role_synced', 'staff.role_synced']);
  });

  it('refuses a shop attempt delivered to the admin callback: 400 AUTH_OIDC_STATE_INVALID, no session, no link', async () => {
    const sub = userAt(shoppers, ['owner']);
    const jar = new CookieJar();
    const { url } = await browse(jar, `${base}/account/oauth/start`, isCallback);
    const res = await visit(jar, url.replace('/account/oauth/callback', '/admin/oauth/callback'));
    expect([res.status, await problemCode(res)]).toEqual([400, 'AUTH_OIDC_STATE_INVALID']);
    expect(jar.get(base, 'session')).toBeUndefined();
    expect(await roleOfSubject(sub)).toEqual({ provider: undefined, role: undefined });
  });

  it('keeps a staff member\'s address out of the shoppers\' pool and the reverse: 409 AUTH_OIDC_OTHER_POOL, no link, no session', async () => {
    const email = newEmail('both');
    const staffSub = `sub-${Math.random().toString(36).slice(2)}`;
    staffIssuer.users.set(staffSub, { email, emailVerified: true, groups: ['owner'] });
    staffIssuer.nextLogin = staffSub;
    const staffJar = new CookieJar();
    await browse(staffJar, `${base}/admin/oauth/start`, (u) => u === `${base}/admin`);
    expect((await visit(staffJar, `${base}/api/v1/admin/me`)).status).toBe(200);

    // The same verified address at the shoppers' pool, which asks for no second factor.
    const shopSub = userAt(shoppers, []);
    shoppers.users.set(shopSub, { ...shoppers.users.get(shopSub)!, email });
    const jar = new CookieJar();
    const shop = await browse(jar, `${base}/account/oauth/start`, (u) => u === `${base}/account`);
    expect([shop.res?.status, await problemCode(shop.res!)]).toEqual([409, 'AUTH_OIDC_OTHER_POOL']);
    expect(jar.get(base, 'session')).toBeUndefined();
    expect(await roleOfSubject(shopSub)).toEqual({ provider: undefined, role: undefined });

    // The reverse: a shopper's address invited to the staff pool is refused there too.
    const shopper = userAt(shoppers, []);
    await browse(new CookieJar(), `${base}/account/oauth/start`, (u) => u === `${base}/account`);
    const invited = userAt(staffIssuer, ['owner']);
    staffIssuer.users.set(invited, { ...staffIssuer.users.get(invited)!, email: shoppers.users.get(shopper)!.email! });
    const admin = await browse(new CookieJar(), `${base}/admin/oauth/start`, (u) => u === `${base}/admin`);
    expect([admin.res?.status, await problemCode(admin.res!)]).toEqual([409, 'AUTH_OIDC_OTHER_POOL']);
    expect(await roleOfSubject(shopper)).toEqual({ provider: 'cognito', role: undefined });
  });

  it('gives no back-office access to an account linked to both pools (as older versions linked them), even from a staff-pool session', async () => {
    const staffSub = userAt(staffIssuer, ['admin']);
    const jar = new CookieJar();
    await browse(jar, `${base}/admin/oauth/start`, (u) => u === `${base}/admin`);
    const { userId } = (await (await visit(jar, `${base}/api/v1/admin/me`)).json()) as { userId: string };
    expect(await roleOfSubject(staffSub)).toEqual({ provider: 'cognito-staff', role: 'admin' });
    await t.database.db.insertInto('external_identity').values({ provider: 'cognito', subject: `shop-${staffSub}`, user_id: userId, created_at: new Date() }).execute();
    const me = await visit(jar, `${base}/api/v1/admin/me`);
    expect([me.status, await problemCode(me)]).toEqual([403, 'STAFF_ACCESS_DENIED']);
  });

  it('gives no staff role for an owner group in the shoppers\' pool, and the role for the same group in the staff pool', async () => {
    const shopper = userAt(shoppers, ['owner']);
    const signedIn = await browse(new CookieJar(), `${base}/account/oauth/start`, (u) => u === `${base}/account`);
    expect(signedIn.url).toBe(`${base}/account`);
    expect(await roleOfSubject(shopper)).toEqual({ provider: 'cognito', role: undefined });

    const staff = userAt(staffIssuer, ['owner']);
    const jar = new CookieJar();
    const admin = await browse(jar, `${base}/admin/oauth/start`, (u) => u === `${base}/admin`);
    expect(admin.url).toBe(`${base}/admin`);
    expect(await roleOfSubject(staff)).toEqual({ provider: 'cognito-staff', role: 'owner' });
    expect((await visit(jar, `${base}/api/v1/admin/me`)).status).toBe(200);
  });
});
