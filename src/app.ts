import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { CounterStore } from './adapters/cache/counter-store.js';
import { createRedisSignal } from './adapters/cache/redis-signal.js';
import { createLocalSignal } from './adapters/cache/signal.js';
import type { CdnInvalidator } from './adapters/cdn/cdn.js';
import { openCdn } from './adapters/cdn/open-cdn.js';
import type { KeyRing } from './adapters/keys/key-ring.js';
import { openKeyRing } from './adapters/keys/open-key-ring.js';
import type { Mailer } from './adapters/mail/mailer.js';
import { isDevMailer, openMailer } from './adapters/mail/open-mailer.js';
import type { BusinessMetrics } from './adapters/metrics/business-metrics.js';
import type { ObjectStore } from './adapters/storage/object-store.js';
import { registerBackOffice, type StaffGuard } from './backoffice/index.js';
import { composeCatalogChanges, type CatalogChanges } from './catalog-changes.js';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import { registerCspReports } from './http/csp-report.js';
import { createHttpEdge } from './http/edge.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerHealthRoutes } from './http/health.routes.js';
import type { HttpSecurity } from './http/http-security.js';
import type { HttpMetrics } from './http/metrics.js';
import { systemClock } from './kernel/clock.js';
import { requestContext } from './kernel/request-context.js';
import { auditAdmin, createAuditQuery, createAuditService, type AuditService } from './modules/audit/index.js';
import {
  authPlugin,
  createAuthService,
  createPasskeyService,
  createPasswordHasher,
  createSessionReader,
  registerCognitoAuth,
  relyingPartyOf,
  sessionKeyOf,
  type AuthService,
  type CognitoAuthDeps,
  type PasswordHasher,
  normaliseEmail,
  type Session,
} from './modules/auth/index.js';
import { cartPlugin, createCartCookies, createCartService, createPurchaseSlot, type CartOperations } from './modules/cart/index.js';
import {
  catalogAdmin,
  catalogPlugin,
  categoriesAdmin,
  collectionsAdmin,
  createCatalogIndexSource,
  createCatalogService,
  createCatalogSitemap,
  createCategoriesService,
  createCollectionsService,
  createProductImagesService,
  createVariantDirectory,
  createVariantPrices,
  productImagesAdmin,
  withReadCache,
  type CatalogChangeListener,
  type CatalogService,
  type CategoriesService,
  type CollectionsService,
  type ProductWriteService,
} from './modules/catalog/index.js';
import { checkoutPlugin, createCheckoutService, type CheckoutService } from './modules/checkout/index.js';
import { contentFooterLinks, contentPlugin, contentSitemap } from './modules/content/index.js';
import { createCustomersService, customersAdmin, customersPlugin, type CustomersService } from './modules/customers/index.js';
import { devMailboxPlugin } from './modules/dev-mailbox/index.js';
import { createFieldEncryption, type FieldEncryption } from './modules/encryption/index.js';
import { createInventoryService, createStockAdmin, inventoryAdmin, type InventoryService } from './modules/inventory/index.js';
import { createImageIngest, createMediaUrls, mediaAdmin, mediaPlugin } from './modules/media/index.js';
import { createOrderMetrics, createOrdersService, ordersAdmin, ordersPlugin, statusLabels, type OrdersService } from './modules/orders/index.js';
import { createMailQueue, createOutbox, outboxAdmin, registerMailHandler, type MailQueue, type Outbox } from './modules/outbox/index.js';
import { createPaymentsService, paymentsPlugin, type PaymentEvents, type Payments } from './modules/payments/index.js';
import { createSearchIndexer, createSearchService, searchPlugin, withListingCache, type SearchService } from './modules/search/index.js';
import { createPageIntegrityService, paymentPageProbes, type PageIntegrityService } from './modules/page-integrity/index.js';
import { sitemapPlugin } from './modules/sitemap/index.js';
import { createPricingAdmin, createPricingService, pricingAdmin, type PricingService } from './modules/pricing/index.js';
import { createStaffService, staffAdmin, type StaffService } from './modules/staff/index.js';
import { registerApiDocsPage } from './web/api-docs-page.js';
import { registerAssets } from './web/assets.js';
import { htmlErrorRenderer } from './web/html-errors.js';
import { readScriptInventory } from './web/script-inventory.js';
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
  /** The CDN port (default: from CDN); tests pass one that records what it was asked. */
  cdn?: CdnInvalidator;
  /** Who hears payment successes, failures and refunds (default: the orders module); payment tests record them. */
  paymentEvents?: PaymentEvents;
}

/** The services the modules expose to each other, to the command-line tools and to tests. */
export interface AppServices {
  catalog: CatalogService;
  /** Stock per variant and its ledger: the checkout reserves and sells inside the order's transaction. */
  inventory: InventoryService;
  /** The category tree's writes (audited). */
  categories: CategoriesService;
  /** Collections' writes and definitions (`collectionDefinitions()` for the search indexer). */
  collections: CollectionsService;
  /** The catalog's write side: products created, changed and archived by staff. */
  products: ProductWriteService;
  /** The audit trail: modules call audit.record(trx, event) inside their transactions. */
  audit: AuditService;
  /** Field-level encryption and blind indexes for personal data. */
  fieldEncryption: FieldEncryption;
  /** Built-in accounts: sessions, sign-up and sign-in, reset, MFA. */
  auth: AuthService;
  /** The request's live session (read once per request). */
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  staff: StaffService;
  customers: CustomersService;
  /** Orders: `place` for the checkout, payments' events, the customer's orders, staff actions, the dashboard's figures. */
  orders: OrdersService;
  /** The shopper's path from the cart to a placed order and a started payment (pages and `POST /api/v1/checkout`). */
  checkout: CheckoutService;
  /** The back office's guard: `staffGuard.require(request, 'orders.refund')`. */
  staffGuard: StaffGuard;
  /** The transactional outbox: `enqueue(trx, job)`, handlers by job type, its worker; tests `drain()` it. */
  outbox: Outbox;
  /** What follows a catalog change (search index, every instance's read cache, the CDN): writers call it. */
  catalogChanges: CatalogChanges;
  /** Listings and search over the index; `queueIndex(trx, productIds)` after a change; `indexer` rebuilds. */
  search: SearchService;
  /** The payment pages' tamper check: `check()` now, and its schedule through the outbox. */
  pageIntegrity: PageIntegrityService;
  /** Tax, shipping and discount codes: `quote()` from the catalog every time; `redeemDiscount`/`releaseDiscount` in the order's transaction. */
  pricing: PricingService;
  /** Guest and customer carts: `cartOf(request)`, `markOrdered`, `restoreFrom`, `countOf`. */
  cart: CartOperations;
  /** The payment port: start, refresh, refund, cancel; webhooks and the reconciliation job. */
  payments: Payments;
}

export interface BuiltApp {
  app: FastifyInstance;
  services: AppServices;
  /** The outside world's ports as this app opened them. */
  adapters: { keyRing: KeyRing; mailer: Mailer; mail: MailQueue };
  metrics: { http: HttpMetrics; business: BusinessMetrics };
  security: HttpSecurity;
}

/**
 * Builds the whole HTTP application from configuration and adapters, wiring every module by hand. It
 * reads as a table of contents: adapters, the HTTP edge, the storefront and account modules, the back
 * office. It neither readies nor listens: main.ts listens; tests inject() or listen on port 0.
 */
export async function buildApp(config: Config, deps: AppDeps): Promise<BuiltApp> {
  const db = deps.database.db;
  const now = deps.now ?? systemClock;
  const brand = { shopName: config.shop.name, publicUrl: config.publicUrl };

  // --- Adapters: keys, mail ----------------------------------------------------------------------------
  const keyRing = deps.keyRing ?? (await openKeyRing(config));
  const mailer = deps.mailer ?? openMailer(config);

  // --- The HTTP edge: limits, CSRF, headers, metrics, OpenAPI ------------------------------------------
  // The session reader is made below, with the auth service; no request arrives before then.
  // A database outage leaves the count per address; the route itself then answers for the outage.
  const accountOf = async (request: FastifyRequest) => {
    const session = await sessionOf(request).catch(() => undefined);
    return session === undefined ? undefined : `user:${session.userId}`;
  };
  const edge = await createHttpEdge(config, { logStream: deps.logStream, counterStore: deps.counterStore, sessionKeyOf, accountOf });
  const { app, security } = edge;
  app.addHook('onClose', async () => {
    await outbox.worker.stop(config.shutdownTimeoutMs);
    await outbox.metrics.stop();
    if (!deps.mailer) await mailer.close();
  });
  if (mailer.kind === 'dev' && config.nodeEnv === 'production') app.log.warn('SMTP_URL is not set: mail is stored under DATA_DIR/mailbox, not sent');

  // --- Services ---------------------------------------------------------------------------------------
  const assets = registerAssets(app);
  // Payment pages allow exactly the scripts whose header says they belong there (CSP by hash and URL).
  security.paymentPages.allowScripts(assets.paymentPageScripts);
  registerApiDocsPage(app, { stylesheet: assets.stylesheet });
  // What follows a catalog or stock change (index, caches, CDN), each step an outbox job written in the
  // change's transaction (src/catalog-changes.ts). The listeners run only on requests, after it exists.
  const catalogChanged: CatalogChangeListener = (trx, change) => catalogChanges.listener(trx, change);
  const inventory = createInventoryService({ db, onLevelsChanged: (trx, productIds) => catalogChanges.onLevelsChanged(trx, productIds) });
  // Media URLs point at CDN_URL (CloudFront) when it is set, else at this app's /media route.
  const media = createMediaUrls({ cdnUrl: config.media.cdnUrl });
  const catalog = withReadCache(createCatalogService({ db, inventory, media }), { ttlMs: config.catalogCacheTtlMs });
  const audit = createAuditService({ db, now });
  const categories = createCategoriesService({ db, audit, onChange: catalogChanged });
  const collections = createCollectionsService({ db, audit, onChange: catalogChanged });
  const imageIngest = createImageIngest({ store: deps.store, maxBytes: config.media.maxBytes, maxPixels: config.media.maxPixels });
  const productImages = createProductImagesService({ db, audit, ingest: imageIngest, media, onChange: catalogChanged });
  const fieldEncryption = createFieldEncryption({ db, keyRing });
  // After-commit work (mail first) is written as outbox jobs with its change; the worker runs here unless
  // OUTBOX_WORKER=off leaves it to `npm run worker`. Closing the app stops it before the mailer and database.
  const outbox = createOutbox({ db, fieldEncryption, audit, log: app.log, registry: edge.metrics.registry, emf: edge.emf, settings: config.outbox, now });
  registerMailHandler(outbox, mailer, { messageIdDomain: new URL(config.publicUrl).hostname });
  const mail = createMailQueue(outbox, { fieldEncryption, cooldownMs: config.mail.cooldownMs, now });
  // The search index: one document per product, rebuilt by outbox jobs after catalog and stock changes.
  const catalogIndexSource = createCatalogIndexSource({ db });
  const search = createSearchService({ db, source: catalogIndexSource, indexer: createSearchIndexer({ db, source: catalogIndexSource, collections, inventory }), media, outbox });
  // Listings are held as briefly as the catalog's reads (CATALOG_CACHE_TTL_MS); `listings.invalidate()` drops them.
  const listings = withListingCache(search, { ttlMs: config.catalogCacheTtlMs });
  // Every instance drops its read caches when any instance's outbox runs the job: Redis pub/sub across
  // instances, or this process alone.
  const catalogSignal = config.redis
    ? createRedisSignal({ url: config.redis.url, channel: `${config.redis.prefix}catalog-changes`, onError: (err) => app.log.warn({ err }, 'catalog change signal: Redis unavailable') })
    : createLocalSignal();
  app.addHook('onClose', async () => catalogSignal.close());
  app.addHook('onReady', async () => catalogSignal.ready(2_000));
  const catalogChanges = composeCatalogChanges({
    outbox, search, signal: catalogSignal, cdn: deps.cdn ?? openCdn(config.cdn),
    readCache: { invalidate: () => (catalog.invalidate(), listings.invalidate()) },
    productPaths: async (ids) => (await catalog.findProducts({ ids })).map((p) => `/p/${p.slug}`),
  });
  if (config.outbox.worker === 'on') app.addHook('onReady', async () => outbox.worker.start());
  // Recurring outbox jobs (reconciliations, the page check) get their first run once the app is ready; a
  // database down at boot does not stop the start: the worker writes them again hourly.
  app.addHook('onReady', async () => void (await outbox.scheduleRecurring().catch((err: unknown) => app.log.warn({ err }, 'recurring jobs not scheduled yet'))));
  // The payment pages against the committed script inventory, every PAGE_INTEGRITY_CHECK_MINUTES (a
  // recurring outbox job: one per interval across instances) and on each deploy (`npm run pages:verify`).
  const pageIntegrity = createPageIntegrityService({
    outbox, audit, log: app.log, registry: edge.metrics.registry, emf: edge.emf, settings: config.pageIntegrity, now,
    publicUrl: config.publicUrl, providers: config.payments, inventory: readScriptInventory(), pages: paymentPageProbes,
  });
  const auth = createAuthService({
    db, fieldEncryption, audit, mail, brand, now, jobs: outbox,
    passwords: deps.passwordHasher ?? createPasswordHasher(),
    sessionOptions: { idleMinutes: config.auth.sessionIdleMinutes, absoluteHours: config.auth.sessionAbsoluteHours },
  });
  const sessionOf = createSessionReader(auth);
  const staff = createStaffService({
    db, audit, directory: auth.directory, sessions: auth.sessions, fieldEncryption, mail, brand, now,
    rolesFromIdentityProvider: config.auth.provider === 'cognito',
  });
  // Payments tell the order's owner of each success, failure and refund inside their own transaction.
  // Bound lazily (like catalogChanges): the listener is called only on requests and jobs, after the app
  // is built; the orders module is its listener (set below, once it exists).
  const paymentListener: { current: PaymentEvents } = {
    current: deps.paymentEvents ?? { succeeded: async () => undefined, failed: async () => undefined, refunded: async () => undefined },
  };
  const paymentEvents: PaymentEvents = {
    succeeded: (trx, e) => paymentListener.current.succeeded(trx, e),
    failed: (trx, e) => paymentListener.current.failed(trx, e),
    refunded: (trx, e) => paymentListener.current.refunded(trx, e),
  };
  const payments = createPaymentsService({
    db, settings: config.paymentGateways, events: paymentEvents, audit, outbox, log: app.log, registry: edge.metrics.registry, business: edge.businessMetrics, now,
    pageMac: (paymentId) => fieldEncryption.blindIndex('payment', 'page_token', paymentId),
  });
  const passkeys = createPasskeyService({ db, now, fieldEncryption, auth, mail, brand, relyingParty: relyingPartyOf(config.publicUrl, config.shop.name) });

  // Prices, tax, shipping and discount codes, from the catalog on every quote; the cart holds lines only.
  const variantPrices = createVariantPrices({ db, media, stockSql: inventory.variantStockSql });
  const pricing = createPricingService({
    db, variants: variantPrices, settings: config.pricing, currency: config.shop.currency, locale: config.shop.locale, now,
    blindIndex: (table, column, value) => fieldEncryption.blindIndex(table, column, value), normaliseEmail,
  });
  const cartCookies = createCartCookies({ publicUrl: config.publicUrl, maxAgeDays: config.cart.cookieDays, sessionOf, mac: (table, column, value) => fieldEncryption.blindIndex(table, column, value) });
  // The blind-index key is read once from the database: read it now, so a first discount check inside an
  // order's transaction never waits for a second connection (PGlite has one).
  app.addHook('onReady', async () => void (await fieldEncryption.blindIndex('cart', 'cookie', 'warm-up').catch((err: unknown) => app.log.warn({ err }, 'blind-index key not loaded yet'))));
  const cart = createCartService({ db, pricing, variants: variantPrices, settings: config.cart, ownerOf: (request) => cartCookies.ownerOf(request) });

  // Orders: placed by the checkout in one transaction (stock, discount, cart), moved by payments' events
  // and staff actions along their state machine; hold expiry and reconciliation are outbox jobs.
  const orders = createOrdersService({
    db, fieldEncryption, audit, outbox, mail, inventory, pricing, cart, payments: () => payments,
    brand, locale: config.shop.locale, shopCurrency: config.shop.currency, settings: config.orders,
    metrics: createOrderMetrics(edge.metrics.registry, edge.businessMetrics), log: app.log, now,
  });
  orders.registerJobs(outbox);
  // Modules holding personal data join `contributors`, so export and deletion cover them too.
  paymentListener.current = deps.paymentEvents ?? orders.paymentEvents;
  // The checkout: steps with state sealed per cart, then orders.place and payments.start with one key.
  const checkout = createCheckoutService({ db, fieldEncryption, pricing, orders, payments, providers: config.payments, publicUrl: config.publicUrl, now });
  checkout.registerJobs(outbox);
  const customers = createCustomersService({ db, fieldEncryption, auth, audit, mail, brand, now, contributors: [staff.personalData, orders.personalData, checkout.personalData] });

  const pageContext = createPageContextFactory({
    shopName: config.shop.name, publicUrl: config.publicUrl, locale: config.shop.locale, stylesheet: assets.stylesheet, scripts: assets.scripts, scriptIntegrity: assets.integrity,
    listCategories: async () => (await catalog.listCategories()).filter((c) => c.parentId === null), footerLinks: contentFooterLinks,
    favicon: assets.favicon, payments: config.payments, cartCountOf: (request) => cart.countOf(request),
  });
  registerErrorHandler(app, { html: htmlErrorRenderer({ pageContext, stylesheet: assets.stylesheet }) });
  registerCspReports(app, { metrics: edge.securityMetrics });
  registerHealthRoutes(app, {
    database: deps.database, metrics: edge.metrics, isShuttingDown: deps.isShuttingDown ?? (() => false),
    metricsAccess: { development: config.nodeEnv === 'development', production: config.nodeEnv === 'production', token: config.metricsToken },
  });

  // --- Storefront and accounts ------------------------------------------------------------------------
  const cookieMaxAgeSeconds = config.auth.sessionAbsoluteHours * 3600;
  const { csrf, rateLimiter } = security;
  await app.register(mediaPlugin, { store: deps.store });
  const catalogBackOffice = catalogAdmin({ db, audit, inventory, onChange: catalogChanged, currency: config.shop.currency, locale: config.shop.locale, now });
  // The cart's add-to-cart form on the product page and on listing cards (category, home, search, collections).
  const purchase = createPurchaseSlot({ csrf, maxQuantity: config.cart.maxLineQuantity, script: assets.scripts.addToCart });
  await app.register(catalogPlugin, { catalog, pageContext, browse: listings, collections, categorySlugTarget: (slug) => categories.liveSlug(slug), currentSlugFor: (slug) => catalogBackOffice.products.currentSlugFor(slug), caching: config.catalogCdn,
    purchase });
  await app.register(searchPlugin, { search: listings, collections, pageContext, caching: config.catalogCdn, purchase });
  await app.register(contentPlugin, { pageContext, caching: config.catalogCdn });
  await app.register(sitemapPlugin, { publicUrl: config.publicUrl, caching: config.catalogCdn, sources: [...createCatalogSitemap({ db }), contentSitemap] });
  await app.register(authPlugin, { auth, passkeys, rateLimiter, csrf, pageContext, sessionOf, cookieMaxAgeSeconds });
  await app.register(customersPlugin, { customers, auth, csrf, pageContext, sessionOf });
  await app.register(cartPlugin, { cart, cookies: cartCookies, csrf, pageContext, pricing, maxLineQuantity: config.cart.maxLineQuantity });
  await app.register(paymentsPlugin, { payments, csrf, pageContext, stripeScript: assets.scripts.stripePayment });
  await app.register(ordersPlugin, { orders, pageContext, sessionOf });
  await app.register(checkoutPlugin, {
    checkout, cart, customers, csrf, pageContext, sessionOf, providers: config.payments, emailOf: async (session) => (await auth.me(session)).email,
  });
  if (isDevMailer(mailer)) await app.register(devMailboxPlugin, { mailer, pageContext, nodeEnv: config.nodeEnv });
  if (config.auth.provider === 'cognito') {
    // The user pool owns sign-in: this plugin answers for the local flows' own paths (redirects to the
    // hosted UI, 404 for the rest), so it is registered without encapsulation.
    await app.register(fastifyPlugin(async (scope, options: CognitoAuthDeps) => registerCognitoAuth(scope, options)), {
      config, db, fieldEncryption, auth, sessionOf, cookieMaxAgeSeconds, pageContext, now,
      // The staff pool's groups are the source of truth for staff roles: written (and audited) at each sign-in.
      syncStaffRole: (userId, role, request) => staff.syncFromIdentityProvider(userId, role, requestContext(request)),
    });
  }

  // --- The back office: the shell and what each module contributes to it ------------------------------
  // In cognito mode a role counts only for an account that signs in through the staff pool and not the
  // shoppers' pool, which need not require MFA (a session does not record which pool started it). Without a
  // staff pool no role counts at all, not even one stored before (the advisor fails production so).
  const roleOf = async (userId: string) => {
    if (config.auth.provider === 'local') return staff.roleOf(userId);
    if (config.auth.cognitoStaff === undefined) return undefined;
    const pools = await auth.directory.identityProvidersOf(userId);
    return pools.includes('cognito-staff') && !pools.includes('cognito') ? staff.roleOf(userId) : undefined;
  };
  const { guard: staffGuard } = await registerBackOffice(app, {
    shopName: config.shop.name, stylesheet: assets.stylesheet, csrf, emailOf: (userId) => auth.directory.emailOf(userId), locale: config.shop.locale, now,
    sessionOf, roleOf, mfaEnabled: (userId) => auth.directory.mfaEnabled(userId),
    recordDenial: async (denial) => void (await audit.recordAlone(denial)),
    // With Cognito the staff pool owns the second factor (MFA required there).
    mfaEnforcedHere: config.auth.provider === 'local',
    contributions: [
      staffAdmin({
        auth, staff, csrf, rateLimiter, shopName: config.shop.name, stylesheet: assets.stylesheet, cookieMaxAgeSeconds, sessionOf,
        identityProvider: config.auth.provider, passkeyScripts: [assets.scripts.webauthn, assets.scripts.passkeys],
      }),
      auditAdmin({ audit, query: createAuditQuery({ db }), locale: config.shop.locale, now }),
      outboxAdmin({ outbox, locale: config.shop.locale }),
      catalogBackOffice,
      collectionsAdmin({ collections, categories, locale: config.shop.locale }),
      categoriesAdmin({ categories, locale: config.shop.locale }),
      ordersAdmin({ orders, locale: config.shop.locale, now, paymentStats: (since) => payments.stats(since) }),
      inventoryAdmin({ stock: createStockAdmin({ db, inventory, audit, variants: createVariantDirectory({ db }) }), locale: config.shop.locale }),
      pricingAdmin({ admin: createPricingAdmin({ db, audit, currency: config.shop.currency }), locale: config.shop.locale }),
      mediaAdmin({ ingest: imageIngest, media, csrf, maxBytes: config.media.maxBytes, audit }),
      productImagesAdmin({ images: productImages, csrf, maxBytes: config.media.maxBytes }),
      customersAdmin({
        db, fieldEncryption, directory: auth.directory, audit, locale: config.shop.locale,
        ordersOf: async (customerId) => {
          const { items, total } = await orders.listForCustomer(customerId, { limit: 5, offset: 0 });
          return { total, items: items.map((o) => ({ number: o.number, status: statusLabels[o.status], total: o.total, placedAt: o.createdAt })) };
        },
      }),
    ],
  });

  return {
    app,
    services: { catalog, products: catalogBackOffice.products, inventory, categories, collections, audit, fieldEncryption, auth, sessionOf, staff, customers, orders, checkout, staffGuard, outbox, search, catalogChanges, pricing, cart, payments, pageIntegrity },
    adapters: { keyRing, mailer, mail },
    metrics: { http: edge.metrics, business: edge.businessMetrics },
    security,
  };
}
