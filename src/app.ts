import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { createBusinessMetrics, type BusinessMetrics } from './adapters/metrics/business-metrics.js';
import { createEmfPublisher } from './adapters/metrics/emf.js';
import type { CounterStore } from './adapters/cache/counter-store.js';
import type { KeyRing } from './adapters/keys/key-ring.js';
import { openKeyRing } from './adapters/keys/open-key-ring.js';
import { createRedisKeyValueStore } from './adapters/cache/redis-key-value.js';
import { registerDevMailboxRoutes } from './adapters/mail/dev-mailbox.routes.js';
import type { Mailer } from './adapters/mail/mailer.js';
import { isDevMailer, openMailer } from './adapters/mail/open-mailer.js';
import type { ObjectStore } from './adapters/storage/object-store.js';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerCspReports } from './http/csp-report.js';
import { registerHealthRoutes } from './http/health.routes.js';
import { registerHttpSecurity, type HttpSecurity } from './http/http-security.js';
import { loggerOptions } from './http/logger.js';
import { registerOpenApi } from './http/openapi.js';
import { createMetrics, registerHttpMetrics, type HttpMetrics } from './http/metrics.js';
import { requestIdFrom } from './http/request-id.js';
import { createSecurityMetrics } from './http/security-metrics.js';
import { serverOptions } from './http/server-options.js';
import { validatorCompiler } from './http/validation.js';
import { createAuditQuery } from './modules/audit/audit.query.js';
import { registerAuditRoutes } from './modules/audit/audit.routes.js';
import { requestContext } from './modules/audit/audit.context.js';
import { createAuditService, type AuditService } from './modules/audit/audit.service.js';
import { createSessionReader } from './modules/auth/auth.http.js';
import { registerAuthPages } from './modules/auth/auth.pages.js';
import { registerAuthRoutes } from './modules/auth/auth.routes.js';
import { registerCognitoAuth } from './modules/auth/cognito/cognito.routes.js';
import { createAuthService, type AuthService } from './modules/auth/auth.service.js';
import { createPasswordHasher, type PasswordHasher } from './modules/auth/passwords.js';
import { sessionKeyOf, type Session } from './modules/auth/sessions.js';
import { registerPasskeyPages } from './modules/auth/passkeys/passkeys.pages.js';
import { registerPasskeyRoutes } from './modules/auth/passkeys/passkeys.routes.js';
import { createPasskeyService, relyingPartyOf } from './modules/auth/passkeys/passkeys.service.js';
import { registerCustomerPages } from './modules/customers/customers.pages.js';
import { registerCustomerRoutes } from './modules/customers/customers.routes.js';
import { createCustomersService, type CustomersService } from './modules/customers/customers.service.js';
import { createStaffGuard, type StaffGuard } from './modules/staff/staff.guard.js';
import { registerStaffPages } from './modules/staff/staff.pages.js';
import { registerStaffRoutes } from './modules/staff/staff.routes.js';
import { createStaffService, type StaffService } from './modules/staff/staff.service.js';
import { registerCatalogRoutes } from './modules/catalog/catalog.routes.js';
import { withReadCache } from './modules/catalog/catalog.cache.js';
import { createCatalogService, type CatalogService } from './modules/catalog/catalog.service.js';
import { createFieldEncryption, type FieldEncryption } from './modules/encryption/field-encryption.js';
import { registerContentRoutes } from './modules/content/content.routes.js';
import { mediaUrl, registerMediaRoutes } from './modules/media/media.routes.js';
import { createMailQueue, createOutbox, registerMailHandler, registerOutboxRoutes, type MailQueue, type Outbox } from './modules/outbox/index.js';
import { registerAssets } from './web/assets.js';
import { htmlErrorRenderer } from './web/html-errors.js';
import { createPageContextFactory } from './web/page-context.js';

export interface AppDeps {
  database: DatabaseHandle;
  store: ObjectStore;
  /** Reports whether the process is draining; /readyz fails while it is. */
  isShuttingDown?: () => boolean;
  /** Where log lines go (stdout by default); tests capture them. */
  logStream?: { write(line: string): void };
  /** Rate-limit counters (default: Redis when REDIS_URL is set, else in process); tests pass their own. */
  counterStore?: CounterStore;
  /** The key port (default: opened from config, as openRuntime does). */
  keyRing?: KeyRing;
  /** The mail port (default: SMTP when SMTP_URL is set, else the dev mailbox under DATA_DIR). */
  mailer?: Mailer;
  /** argon2id hashing (default: OWASP parameters); tests may wrap it to observe the work done. */
  passwordHasher?: PasswordHasher;
  /** The clock of time-limited things (sessions, links, TOTP); tests move it. */
  now?: () => Date;
}

export interface BuiltApp {
  app: FastifyInstance;
  catalog: CatalogService;
  metrics: HttpMetrics;
  /** Orders, payment failures, checkout latency: for the checkout and payment modules. */
  businessMetrics: BusinessMetrics;
  /** CSRF tokens for forms, the rate limiter, the HTTPS redirect listener (src/http/http-security.ts). */
  security: HttpSecurity;
  /** The audit trail: later modules call audit.record(trx, event) inside their transactions. */
  audit: AuditService;
  /** Field-level encryption and blind indexes for personal data. */
  fieldEncryption: FieldEncryption;
  keyRing: KeyRing;
  /** Built-in accounts: sessions, sign-up and sign-in, reset, MFA (src/modules/auth). */
  auth: AuthService;
  /** The request's live session (read once per request); other modules get the signed-in customer here. */
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  mailer: Mailer;
  /** Mail as outbox jobs, written in the transaction of the change they tell about. */
  mail: MailQueue;
  /** The transactional outbox: `enqueue(trx, job)`, handlers, its worker; tests call `drain()` to run due jobs now. */
  outbox: Outbox;
  /** Staff roles and invitations (src/modules/staff). */
  staff: StaffService;
  /** Profile, addresses, data export and account deletion (src/modules/customers). */
  customers: CustomersService;
  /** Later back-office modules check `staffGuard.require(request, 'orders.refund')` in each route. */
  staffGuard: StaffGuard;
}

/**
 * Builds the whole HTTP application from configuration and adapters, wiring every service by hand.
 * It neither readies nor listens: main.ts listens; tests may add probe routes, then inject() or listen on port 0.
 */
export async function buildApp(config: Config, deps: AppDeps): Promise<BuiltApp> {
  const metrics = createMetrics();
  const securityMetrics = createSecurityMetrics(metrics.registry);
  const app = Fastify({
    // HTTPS or HTTP, TRUST_PROXY, header size limit (431): docs/security-http.md.
    ...serverOptions(config, securityMetrics),
    logger: { ...loggerOptions(config), ...(deps.logStream ? { stream: deps.logStream } : {}) },
    genReqId: requestIdFrom,
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Slow clients cannot hold a socket forever (slowloris); the ALB's idle timeout is 60 s.
    requestTimeout: 30_000,
    keepAliveTimeout: 65_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', String(request.id));
    done();
  });
  // One access-log line per request (instead of Fastify's two) keeps logging cheap under load.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
    done();
  });

  // The in-app edge (IP lists, request and rate limits, CSRF, CORS, security headers, CSP reports) comes
  // before every route, so nothing is reachable around it.
  const security = await registerHttpSecurity(app, config, {
    metrics: securityMetrics,
    sessionKeyOf: sessionKeyOf,
    ...(deps.counterStore ? { counterStore: deps.counterStore } : {}),
  });

  await registerOpenApi(app, { title: config.shop.name, version: '0.1.0', publicUrl: config.publicUrl });

  const emf =
    config.metrics.mode === 'emf'
      ? createEmfPublisher({ namespace: config.metrics.namespace, serviceName: config.shop.name, agentEndpoint: config.metrics.agentEndpoint })
      : undefined;
  if (emf) app.addHook('onClose', async () => emf.stop().catch((err: unknown) => app.log.warn({ err }, 'could not flush EMF metrics')));
  registerHttpMetrics(app, metrics, emf ? (sample) => emf.recordRequest(sample) : undefined);
  const businessMetrics = createBusinessMetrics(metrics.registry, emf);

  const assets = registerAssets(app);
  const catalog = withReadCache(createCatalogService({ db: deps.database.db, mediaUrl }), { ttlMs: config.catalogCacheTtlMs });
  const pageContext = createPageContextFactory({
    shopName: config.shop.name,
    locale: config.shop.locale,
    stylesheet: assets.stylesheet,
    scripts: assets.scripts,
    listCategories: () => catalog.listCategories(),
  });

  registerErrorHandler(app, { html: htmlErrorRenderer({ pageContext, stylesheet: assets.stylesheet }) });
  registerCspReports(app, { metrics: securityMetrics });
  registerHealthRoutes(app, {
    database: deps.database,
    metrics,
    isShuttingDown: deps.isShuttingDown ?? (() => false),
    metricsAccess: { development: config.nodeEnv === 'development', token: config.metricsToken },
  });
  registerMediaRoutes(app, { store: deps.store });
  registerCatalogRoutes(app, { catalog, pageContext });
  registerContentRoutes(app, { pageContext });

  const keyRing = deps.keyRing ?? (await openKeyRing(config));
  const audit = createAuditService({ db: deps.database.db });
  const fieldEncryption = createFieldEncryption({ db: deps.database.db, keyRing });

  const mailer = deps.mailer ?? openMailer(config);
  if (mailer.kind === 'dev' && config.nodeEnv === 'production') app.log.warn('SMTP_URL is not set: mail is stored under DATA_DIR/mailbox, not sent');
  // After-commit work (mail first) goes through the outbox; its worker runs here unless OUTBOX_WORKER=off
  // leaves it to `npm run worker`. Closing the app stops the worker before the mailer and the database.
  const outbox = createOutbox({
    db: deps.database.db, fieldEncryption, audit, log: app.log, registry: metrics.registry, emf, settings: config.outbox, ...(deps.now ? { now: deps.now } : {}),
  });
  registerMailHandler(outbox, mailer, { messageIdDomain: new URL(config.publicUrl).hostname });
  const mail = createMailQueue(outbox);
  if (config.outbox.worker === 'on') app.addHook('onReady', async () => outbox.worker.start());
  app.addHook('onClose', async () => {
    await outbox.worker.stop(config.shutdownTimeoutMs);
    await outbox.metrics.stop();
    if (!deps.mailer) await mailer.close();
  });
  if (isDevMailer(mailer)) registerDevMailboxRoutes(app, { mailer, pageContext, nodeEnv: config.nodeEnv });
  const sessionCache = config.redis ? createRedisKeyValueStore(config.redis) : undefined;
  if (sessionCache) app.addHook('onClose', () => sessionCache.close());
  const auth = createAuthService({
    db: deps.database.db,
    sessionCache,
    fieldEncryption,
    audit,
    passwords: deps.passwordHasher ?? createPasswordHasher(),
    mail,
    brand: { shopName: config.shop.name, publicUrl: config.publicUrl },
    sessionOptions: { idleMinutes: config.auth.sessionIdleMinutes, absoluteHours: config.auth.sessionAbsoluteHours },
    ...(deps.now ? { now: deps.now } : {}),
  });
  const sessionOf = createSessionReader(auth);
  const cookieMaxAgeSeconds = config.auth.sessionAbsoluteHours * 3600;
  registerAuthRoutes(app, { auth, rateLimiter: security.rateLimiter, cookieMaxAgeSeconds, sessionOf });
  registerAuthPages(app, { auth, rateLimiter: security.rateLimiter, cookieMaxAgeSeconds, sessionOf, csrf: security.csrf, pageContext });
  // Staff roles and invitations (src/modules/staff); its guard and pages are registered further down.
  const staff = createStaffService({
    db: deps.database.db, audit, directory: auth.directory, sessions: auth.sessions, fieldEncryption, mail,
    brand: { shopName: config.shop.name, publicUrl: config.publicUrl },
    rolesFromIdentityProvider: config.auth.provider === 'cognito',
    ...(deps.now ? { now: deps.now } : {}),
  });
  // The customer's profile, addresses, data export and account deletion. Modules holding personal data
  // (orders, carts) join `contributors` so export and deletion cover them too.
  const customers = createCustomersService({
    db: deps.database.db, fieldEncryption, auth, audit, mail,
    brand: { shopName: config.shop.name, publicUrl: config.publicUrl },
    contributors: [staff.personalData],
    ...(deps.now ? { now: deps.now } : {}),
  });
  registerCustomerRoutes(app, { customers, sessionOf });
  registerCustomerPages(app, { customers, auth, csrf: security.csrf, pageContext, sessionOf });
  // AUTH_PROVIDER=cognito: the user pool signs people in; the local-only flows above answer 404 (docs/auth-cognito.md).
  if (config.auth.provider === 'cognito') {
    registerCognitoAuth(app, {
      config, db: deps.database.db, fieldEncryption, auth, sessionOf, cookieMaxAgeSeconds, pageContext, ...(deps.now ? { now: deps.now } : {}),
      // The pool's groups are the source of truth for staff roles: written (and audited) at each sign-in.
      syncStaffRole: (userId, role, request) => staff.syncFromIdentityProvider(userId, role, requestContext(request)),
    });
  }
  // Passkeys (WebAuthn) as a second way to sign in; the back office's sign-in page uses the same API.
  const passkeys = createPasskeyService({
    db: deps.database.db, now: deps.now ?? (() => new Date()), fieldEncryption, auth, mail,
    brand: { shopName: config.shop.name, publicUrl: config.publicUrl },
    relyingParty: relyingPartyOf(config.publicUrl, config.shop.name),
  });
  registerPasskeyRoutes(app, { passkeys, rateLimiter: security.rateLimiter, sessionOf, cookieMaxAgeSeconds });
  registerPasskeyPages(app, { passkeys, csrf: security.csrf, pageContext, sessionOf });

  // The back office: the guard every /admin page and /api/v1/admin route goes through. With Cognito the
  // user pool owns the second factor (the advisor warns to make it required there).
  const staffGuard = createStaffGuard({ db: deps.database.db, sessionOf, staff, directory: auth.directory, audit, mfaEnforcedHere: config.auth.provider === 'local' });
  registerStaffRoutes(app, { staff, guard: staffGuard });
  registerOutboxRoutes(app, { outbox, requireOperator: (request) => staffGuard.require(request, 'outbox.manage') });
  registerStaffPages(app, {
    auth, staff, guard: staffGuard, csrf: security.csrf, rateLimiter: security.rateLimiter, shopName: config.shop.name, stylesheet: assets.stylesheet,
    cookieMaxAgeSeconds, sessionOf, countAuditEvents: () => audit.count(), identityProvider: config.auth.provider,
    passkeyScripts: [assets.scripts.webauthn, assets.scripts.passkeys],
  });
  // The audit trail for owner, admin and auditor (audit.read): /admin/audit and /api/v1/admin/audit-events(.csv).
  registerAuditRoutes(app, {
    query: createAuditQuery({ db: deps.database.db }), guard: staffGuard, shopName: config.shop.name, locale: config.shop.locale,
    stylesheet: assets.stylesheet, csrf: security.csrf, emailOf: (userId) => auth.directory.emailOf(userId), ...(deps.now ? { now: deps.now } : {}),
  });

  return { app, catalog, metrics, businessMetrics, security, audit, fieldEncryption, keyRing, auth, sessionOf, mailer, mail, outbox, staff, staffGuard, customers };
}
