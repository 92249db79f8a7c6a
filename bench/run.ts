import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { embeddedSettings } from '../src/db/database.js';
import { checkBooks, outboxDrained, stockOf, type BookCheck } from './order-books.js';
import { csrfPair, fillCarts, measureAddToCart, measureBarePurchase, measurePlaceOrder, type OrderBenchResult } from './orders.js';

/**
 * `npm run bench [-- --db pglite|postgres|both] [--duration 10] [--connections 50] [--products 10000] [--reuse] [--orders false] [--catalog false] [--workers N] [--profile DIR]`
 *
 * For each database: seeds it in a process of its own (the demo catalog, or `--products N` generated
 * ones), starts the baseline (bench/baseline.ts: a bare Fastify with its own pool doing one primary-key
 * SELECT, in a separate process), then the app (bench/server.ts) twice, with the read cache on and with it
 * off (CATALOG_CACHE_TTL_MS=0). Each pass measures the baseline first and then every scenario with
 * autocannon from this process, and reports req/s, p50/p99, errors, the app's peak resident memory and the
 * ratio to that pass's baseline. Results also go to bench/results/<db>.json.
 *
 * On PostgreSQL a buying pass follows (bench/orders.ts): add-to-cart and place-order with 50 buyers, then
 * the books are checked (bench/order-books.ts): stock, orders, payments and outbox must add up exactly.
 * Before place order, the same purchase runs on a bare process (bench/bare-purchase.ts), twice: with a
 * transaction a step and with one statement a step, the floors the app's figure is read against.
 *
 * PostgreSQL: the database is `bastion_bench` beside DATABASE_URL's (or on the local server); `--reuse`
 * keeps it when it already holds a catalog instead of dropping and seeding it again.
 * PGlite: one process owns a data folder, so the baseline opens a copy of the seeded folder.
 */
interface BaselineReady { kind: string; port: number; products: number; productId: string; productSlug: string; categorySlug: string }
interface Row {
  scenario: string;
  cache: 'on' | 'off';
  path: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMb: number;
  ratio: number;
  goal?: number;
}

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const name = process.argv[i]!.replace(/^--/, '');
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) args.set(name, 'true');
  else {
    args.set(name, value);
    i++;
  }
}
const duration = Number(args.get('duration') ?? 10);
const connections = Number(args.get('connections') ?? 50);
const products = args.has('products') ? Number(args.get('products')) : undefined;
const reuse = args.get('reuse') === 'true';
/** App processes in the buying pass (node:cluster, as WEB_CONCURRENCY in production); the catalog passes use one. */
const workers = Number(args.get('workers') ?? 1);
const which = args.get('db') ?? (process.env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'pglite');
const targets = which === 'both' ? ['pglite', 'postgres'] : [which];
if (!targets.every((t) => t === 'pglite' || t === 'postgres')) throw new Error(`--db must be pglite, postgres or both, not ${which}`);

/** The speed goals, as ratios to the baseline; every scenario also aims at a p99 under 100 ms. */
const goals: Record<string, { on: number; off: number } | undefined> = {
  'product as JSON': { on: 0.5, off: 0.5 },
  'list of 20 as JSON': { on: 0.3, off: 0.3 },
  'category page': { on: 0.6, off: 0.2 },
  'product page': { on: 0.6, off: 0.2 },
  'search page': { on: 0.6, off: 0.2 },
};
const p99GoalMs = 100;

const peakRssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
};
// Writing 5 to clear_refs resets the kernel's peak-RSS mark, so each scenario's peak is its own.
const resetPeak = (pid: number): void => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not permitted: the peak then covers the whole run so far */
  }
};

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function adminQuery(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}

/** The bench's own PostgreSQL database, created (and seeded by the caller) unless `--reuse` finds one. */
async function postgresDatabase(): Promise<{ url: string; needsSeed: boolean }> {
  const admin = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/postgres';
  const u = new URL(admin);
  u.pathname = '/bastion_bench';
  const url = u.toString();
  if (reuse) {
    const exists = (await adminQuery(admin, `select 1 from pg_database where datname = 'bastion_bench'`)).length > 0;
    if (exists) {
      const [row] = (await adminQuery(url, `select count(*)::int as n from product`).catch(() => [{ n: 0 }])) as { n: number }[];
      if ((row?.n ?? 0) > 0) return { url, needsSeed: false };
    }
  }
  await adminQuery(admin, 'drop database if exists bastion_bench with (force)');
  await adminQuery(admin, 'create database bastion_bench');
  return { url, needsSeed: true };
}

function forkTs(script: string, argv: string[], env: Record<string, string>, stdout: 'ignore' | 'inherit' = 'ignore'): ChildProcess {
  // `--profile DIR`: the app under load writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = script === 'bench/server.ts' && args.has('profile') ? ['--cpu-prof', `--cpu-prof-dir=${args.get('profile')}`] : [];
  return fork(script, argv, { env, execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', stdout, 'inherit', 'ipc'] });
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', resolve));
}

async function ready<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${what} exited ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await exited(child);
}

async function measure(url: string, pid: number | undefined): Promise<Pick<Row, 'reqPerSec' | 'p50' | 'p99' | 'errors' | 'non2xx' | 'peakRssMb'>> {
  await autocannon({ url, connections, duration: 2 }); // warm-up: JIT, caches, connection pools
  if (pid !== undefined) resetPeak(pid);
  const result = await autocannon({ url, connections, duration });
  return {
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    peakRssMb: pid !== undefined ? peakRssMb(pid) : 0,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface OrderRow {
  scenario: string;
  perSec: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  ratio: number;
}

/** Filled carts for a place-order run of `seconds`: room for 100 orders a second, three times today's figure. */
const cartsFor = (seconds: number): number => 100 * seconds + connections;

/** The buying scenarios' goals: orders per second and p99 of every request in the sequence. */
const placeOrderGoal = { perSec: 300, p99Ms: 250 };

/**
 * The buying pass (PostgreSQL): the measured product's first variant gets stock through the app's own
 * inventory service, then add-to-cart and place-order run against the app, and the books are checked.
 */
async function runOrders(env: Record<string, string>, url: string, baseline: BaselineReady, baselineRate: number): Promise<{ rows: OrderRow[]; books: BookCheck[] }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const appEnv = { ...env, PORT: String(port), PUBLIC_URL: base, PAYMENTS: 'test', PAYMENTS_TEST_IN_PRODUCTION: 'allow', BENCH_WORKERS: String(workers) };
  const app = forkTs('bench/server.ts', [], appEnv);
  await ready<{ port: number }>(app, 'bench server');
  try {
    const product = (await (await fetch(`${base}/api/v1/products/${baseline.productSlug}`)).json()) as { variants: { id: string }[] };
    const variantId = product.variants[0]?.id;
    if (!variantId) throw new Error(`product ${baseline.productSlug} has no variant`);
    const prepare = forkTs('bench/prepare-orders.ts', [baseline.productId, variantId], appEnv, 'inherit');
    await ready<{ variantId: string }>(prepare, 'prepare-orders');
    await exited(prepare);
    const country = process.env.BENCH_COUNTRY ?? 'GB';
    const add = await fetch(`${base}/api/v1/cart/items`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ variantId, quantity: 1 }) });
    const cartCookie = (add.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const cart = (await (await fetch(`${base}/api/v1/cart?country=${country}`, { headers: { cookie: cartCookie } })).json()) as { shippingOptions: { id: string }[] };
    const shippingMethodId = cart.shippingOptions[0]?.id;
    if (!shippingMethodId) throw new Error(`no shipping method reaches ${country}`);
    const target = { base, variantId, shippingMethodId, country, csrf: await csrfPair(base) };

    const rows: OrderRow[] = [];
    const added = await measureAddToCart(target, connections, duration);
    rows.push({ scenario: 'add to cart', ...added, ratio: Math.round((added.reqPerSec / baselineRate) * 100) / 100 });
    log(`  postgres: add to cart: ${added.reqPerSec} req/s, p99 ${added.p99} ms, ${added.errors + added.non2xx} errors`);

    for (const steps of ['transaction', 'statement'] as const) {
      const bare = await measureBare(url, country, steps);
      rows.push({ scenario: `bare purchase, ${steps === 'transaction' ? 'a transaction' : 'one statement'} a step`, ...bare, ratio: Math.round((bare.reqPerSec / baselineRate) * 100) / 100 });
      log(`  postgres: bare purchase (${steps}): ${bare.perSec} orders/s, p99 ${bare.p99} ms`);
    }

    // The warm-up's orders are settled first, so the books below cover the measured run alone.
    await measurePlaceOrder(target, await fillCarts(target, cartsFor(2), connections), connections, 2, 0);
    await outboxDrained(url);
    const before = await stockOf(url, variantId);
    const since = new Date();
    const carts = await fillCarts(target, cartsFor(duration), connections);
    const placed = await measurePlaceOrder(target, carts, connections, duration, 0);
    const left = await outboxDrained(url);
    rows.push({ scenario: 'place order', ...placed, ratio: Math.round((placed.reqPerSec / baselineRate) * 100) / 100 });
    log(`  postgres: place order: ${placed.perSec} orders/s (${placed.reqPerSec} req/s), p99 ${placed.p99} ms, ${placed.errors + placed.non2xx} errors; outbox left ${left}`);
    const { checks, paidOrders, pendingOrders } = await checkBooks(url, variantId, before, since);
    // The run's end cuts the sequences in flight (at most one per connection): their orders wait, unpaid, for
    // their hold to expire, or were paid by a card form whose answer came after the end. Every card form the
    // run saw answered is paid; the payment checks below show nothing was paid twice or without its order.
    checks.unshift({
      name: 'every card form answered is a paid order, and only sequences cut off by the end wait',
      ok: paidOrders >= placed.completed && pendingOrders <= connections,
      detail: `${placed.placed} orders answered, ${placed.completed} card forms answered, ${paidOrders} paid, ${pendingOrders} waiting (at most ${connections} in flight)`,
    });
    for (const c of checks) log(`  books: ${c.ok ? 'ok ' : 'NOT'} ${c.name} (${c.detail})`);
    return { rows, books: checks };
  } finally {
    await stop(app);
  }
}

async function run(db: string): Promise<{ rows: Row[]; baseline: BaselineReady; note: string; orders?: { rows: OrderRow[]; books: BookCheck[] } }> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    // The load comes to the loopback address, which production accepts only when named (Host checks).
    ALLOWED_HOSTS: '127.0.0.1',
    CSRF_SECRET: randomBytes(32).toString('base64url'),
    RATE_LIMITS: 'off',
    SEED_DEMO: 'never',
    // A production build with no real gateway: the test gateway, which production takes only when asked.
    PAYMENTS: 'test',
    PAYMENTS_TEST_IN_PRODUCTION: 'allow',
  };
  delete env.WEB_CONCURRENCY;
  const baselineEnv: Record<string, string> = { ...(process.env as Record<string, string>) };
  let needsSeed = true;
  let cleanup = async (): Promise<void> => undefined;
  if (db === 'postgres') {
    const database = await postgresDatabase();
    needsSeed = database.needsSeed;
    env.DATABASE_URL = database.url;
    // A folder that outlives the run, so a reused database finds the key file that sealed its keys.
    env.DATA_DIR = join(tmpdir(), 'bastion-bench-postgres');
    baselineEnv.BASELINE_DATABASE_URL = database.url;
  } else {
    delete env.DATABASE_URL;
    env.DATA_DIR = await mkdtemp(join(tmpdir(), 'bastion-bench-'));
    const dir = env.DATA_DIR;
    cleanup = () => rm(dir, { recursive: true, force: true });
  }

  try {
    if (needsSeed) {
      // Seeding runs in a process of its own, so the server measured is in the state of any later start.
      log(`${db}: seeding ${products !== undefined ? `${products} generated products` : 'the demo catalog'}…`);
      const started = Date.now();
      const seed = forkTs('src/cli/seed.ts', products !== undefined ? ['--products', String(products)] : [], env, 'inherit');
      const code = await exited(seed);
      if (code !== 0) throw new Error(`seed exited ${code}`);
      log(`${db}: seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    let note = `baseline: a separate process, bare Fastify with its own pg.Pool (10 connections), one primary-key SELECT`;
    if (db === 'pglite') {
      const copy = join(env.DATA_DIR, 'baseline-pg');
      await cp(join(env.DATA_DIR, 'pg'), copy, { recursive: true });
      baselineEnv.BASELINE_PGLITE_DIR = copy;
      baselineEnv.BASELINE_PGLITE_CONF = embeddedSettings;
      note = 'baseline: a separate process, bare Fastify with its own PGlite opened on a copy of the seeded data folder (PGlite allows one process per folder), one primary-key SELECT';
    }
    const baselineChild = forkTs('bench/baseline.ts', [], baselineEnv);
    const baseline = await ready<BaselineReady>(baselineChild, 'baseline');
    log(`${db}: ${baseline.products} active products; measuring product ${baseline.productSlug} in category ${baseline.categorySlug}`);

    const rows: Row[] = [];
    let orders: { rows: OrderRow[]; books: BookCheck[] } | undefined;
    try {
      // `--catalog false` measures the baseline and the buying pass only.
      const passes = args.get('catalog') === 'false' ? [] : (['on', 'off'] as const);
      for (const cache of passes) {
        const appEnv = { ...env, ...(cache === 'off' ? { CATALOG_CACHE_TTL_MS: '0' } : {}) };
        const app = forkTs('bench/server.ts', [], appEnv);
        const { port } = await ready<{ port: number }>(app, 'bench server');
        const base = `http://127.0.0.1:${port}`;
        const scenarios: [string, string][] = [
          ['baseline', `http://127.0.0.1:${baseline.port}/baseline/product/${baseline.productId}`],
          ['product as JSON', `${base}/api/v1/products/${baseline.productSlug}`],
          ['list of 20 as JSON', `${base}/api/v1/products?limit=20`],
          ['home page', `${base}/`],
          ['category page', `${base}/c/${baseline.categorySlug}`],
          ['product page', `${base}/p/${baseline.productSlug}`],
          ['search page', `${base}/search?q=shirt`],
        ];
        try {
          let baseRate = 0;
          for (const [scenario, url] of scenarios) {
            const m = await measure(url, scenario === 'baseline' ? baselineChild.pid : app.pid);
            if (scenario === 'baseline') baseRate = m.reqPerSec;
            const target = goals[scenario]?.[cache];
            const row: Row = { scenario, cache, path: new URL(url).pathname + new URL(url).search, ...m, ratio: baseRate > 0 ? Math.round((m.reqPerSec / baseRate) * 100) / 100 : 0, ...(target !== undefined ? { goal: target } : {}) };
            rows.push(row);
            log(`  ${db}, cache ${cache}: ${scenario}: ${row.reqPerSec} req/s, p99 ${row.p99} ms, ${row.errors + row.non2xx} errors, ${row.ratio.toFixed(2)}x`);
          }
        } finally {
          await stop(app);
        }
      }
      if (db === 'postgres' && args.get('orders') !== 'false') {
        const baselineRate = rows.find((r) => r.scenario === 'baseline')?.reqPerSec ?? (await measure(`http://127.0.0.1:${baseline.port}/baseline/product/${baseline.productId}`, baselineChild.pid)).reqPerSec;
        orders = await runOrders(env, env.DATABASE_URL!, baseline, baselineRate);
      }
    } finally {
      await stop(baselineChild);
    }
    return { rows, baseline, note, ...(orders ? { orders } : {}) };
  } finally {
    await cleanup();
  }
}

/** The floor under place order (bench/bare-purchase.ts), with its webhooks drained before it stops. */
async function measureBare(url: string, country: string, steps: 'transaction' | 'statement'): Promise<OrderBenchResult> {
  const child = forkTs('bench/bare-purchase.ts', [], { ...(process.env as Record<string, string>), BASELINE_DATABASE_URL: url, BARE_STEPS: steps });
  const { port } = await ready<{ port: number }>(child, 'bare purchase');
  try {
    const result = await measureBarePurchase(`http://127.0.0.1:${port}`, country, connections, duration);
    for (let i = 0; i < 60; i++) {
      const [row] = (await adminQuery(url, 'select count(*)::int as n from bare.job')) as { n: number }[];
      if ((row?.n ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const [books] = (await adminQuery(url, `select count(*) filter (where status = 'paid')::int as paid, count(*) filter (where status <> 'paid')::int as waiting from bare."order"`)) as { paid: number; waiting: number }[];
    log(`  postgres: bare purchase (${steps}): ${books?.paid} paid, ${books?.waiting} cut off by the end of a run`);
    return result;
  } finally {
    await stop(child);
  }
}

function verdict(r: Row): string {
  if (r.scenario === 'baseline') return '';
  const misses: string[] = [];
  if (r.goal !== undefined && r.ratio < r.goal) misses.push(`ratio < ${r.goal}`);
  if (r.p99 >= p99GoalMs) misses.push(`p99 ≥ ${p99GoalMs}`);
  if (r.errors + r.non2xx > 0) misses.push('errors');
  const goal = r.goal !== undefined ? `≥ ${r.goal}x, ` : '';
  return misses.length === 0 ? `${goal}p99 < ${p99GoalMs}: holds` : `${goal}p99 < ${p99GoalMs}: misses (${misses.join(', ')})`;
}

function ordersTable(orders: { rows: OrderRow[]; books: BookCheck[] }): string {
  const fmt = new Intl.NumberFormat('en-GB');
  const verdictOf = (r: OrderRow): string =>
    r.scenario !== 'place order'
      ? ''
      : r.perSec >= placeOrderGoal.perSec && r.p99 < placeOrderGoal.p99Ms && r.errors + r.non2xx === 0
        ? `≥ ${placeOrderGoal.perSec} orders/s, p99 < ${placeOrderGoal.p99Ms}: holds`
        : `≥ ${placeOrderGoal.perSec} orders/s, p99 < ${placeOrderGoal.p99Ms}: misses`;
  return (
    `\n#### Buying (${connections} buyers, ${duration} s a scenario, ${workers} app process${workers === 1 ? "" : "es"})\n\n` +
    'Place order is one guest\'s purchase from a filled cart: `POST /api/v1/checkout`, the test gateway\'s card form; paid when the gateway\'s signed webhook is processed. The bare purchases are its floor (bench/bare-purchase.ts): checkout and card form on a bare process that keeps only stock, order, payment and a signed webhook.\n\n' +
    '| scenario | orders/s | req/s | p50 ms | p99 ms | errors (non-2xx) | req/s ratio to baseline | goal |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n' +
    orders.rows.map((r) => `| ${r.scenario} | ${r.scenario !== 'add to cart' ? fmt.format(r.perSec) : ''} | ${fmt.format(r.reqPerSec)} | ${r.p50} | ${r.p99} | ${r.errors} (${r.non2xx}) | ${r.ratio.toFixed(2)} | ${verdictOf(r)} |`).join('\n') +
    '\n\nBooks after the run:\n\n' +
    orders.books.map((c) => `- ${c.ok ? 'adds up' : '**does not add up**'}: ${c.name} (${c.detail})`).join('\n') +
    '\n'
  );
}

function table(db: string, result: { rows: Row[]; baseline: BaselineReady; note: string; orders?: { rows: OrderRow[]; books: BookCheck[] } }): string {
  const load = loadavg().map((n) => n.toFixed(1)).join(' ');
  const head =
    `\n### ${db}: ${result.baseline.products} active products, ${connections} connections, ${duration} s a scenario (load average after: ${load})\n\n` +
    `${result.note}.\n\n` +
    '| scenario | cache | req/s | p50 ms | p99 ms | errors (non-2xx) | app peak RSS MB | ratio to baseline | goal |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n';
  const fmt = new Intl.NumberFormat('en-GB');
  return (
    head +
    result.rows
      .map((r) => `| ${r.scenario} | ${r.cache} | ${fmt.format(r.reqPerSec)} | ${r.p50} | ${r.p99} | ${r.errors} (${r.non2xx}) | ${r.scenario === 'baseline' ? '' : r.peakRssMb} | ${r.ratio.toFixed(2)} | ${verdict(r)} |`)
      .join('\n') +
    '\n' +
    (result.orders ? ordersTable(result.orders) : '')
  );
}

await mkdir('bench/results', { recursive: true });
for (const db of targets) {
  const result = await run(db);
  writeFileSync(
    `bench/results/${db}.json`,
    JSON.stringify({ date: new Date().toISOString(), duration, connections, node: process.version, products: result.baseline.products, note: result.note, rows: result.rows, orders: result.orders }, null, 2),
  );
  process.stdout.write(table(db, result));
}
