import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

/**
 * `npm run bench [-- --db pglite|postgres|both] [--duration 10] [--connections 10]`
 *
 * Starts bench/server.ts (the full app plus a bare baseline route on the same database) in a child
 * process, drives each scenario with autocannon from this process, and prints req/s, latency
 * percentiles, the server's peak resident memory and each scenario's throughput as a ratio of the
 * baseline measured in the same run. Results also go to bench/results/<db>.json.
 */
interface Ready { app: number; baseline: number; productId: string; productSlug: string }
interface Row { scenario: string; path: string; reqPerSec: number; p50: number; p99: number; peakRssMb: number; errors: number; ratio?: number }

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const duration = Number(args.get('duration') ?? 10);
const connections = Number(args.get('connections') ?? 10);
const which = args.get('db') ?? (process.env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'pglite');
const targets = which === 'both' ? ['pglite', 'postgres'] : [which];

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

async function postgresUrl(): Promise<string> {
  const admin = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('drop database if exists bastion_bench with (force)');
  await client.query('create database bastion_bench');
  await client.end();
  const u = new URL(admin);
  u.pathname = '/bastion_bench';
  return u.toString();
}

async function startServer(db: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    // The load comes to the loopback address, which production accepts only when named (Host checks).
    ALLOWED_HOSTS: '127.0.0.1',
    CSRF_SECRET: randomBytes(32).toString('base64url'),
    RATE_LIMITS: 'off',
    DATA_DIR: await mkdtemp(join(tmpdir(), 'bastion-bench-')),
    SEED_DEMO: 'never',
  };
  if (db === 'postgres') env.DATABASE_URL = await postgresUrl();
  else delete env.DATABASE_URL;
  delete env.WEB_CONCURRENCY;
  // Seed in a process of its own, so the server measured is in the state of any later start (the
  // first start's initdb and image drawing are one-off costs, reported apart in docs/benchmarks.md).
  await new Promise<void>((resolve, reject) => {
    const seed = fork('src/cli/seed.ts', [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    seed.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed exited ${code}`))));
  });
  const child = fork('bench/server.ts', [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  return { child, ready };
}

async function measure(url: string, pid: number): Promise<Omit<Row, 'scenario' | 'path'>> {
  await autocannon({ url, connections, duration: 2 }); // warm-up: JIT, caches, connection pool
  resetPeak(pid);
  const result = await autocannon({ url, connections, duration });
  return {
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    peakRssMb: peakRssMb(pid),
    errors: result.errors + result.non2xx,
  };
}

async function run(db: string): Promise<Row[]> {
  const { child, ready } = await startServer(db);
  const pid = child.pid!;
  const app = `http://127.0.0.1:${ready.app}`;
  const scenarios: [string, string][] = [
    ['baseline: bare Fastify, one PK select', `http://127.0.0.1:${ready.baseline}/baseline/product/${ready.productId}`],
    ['product as JSON', `${app}/api/v1/products/${ready.productSlug}`],
    ['product list as JSON (24)', `${app}/api/v1/products?limit=24`],
    ['home page (HTML)', `${app}/`],
    ['category page (HTML)', `${app}/c/apparel`],
    ['product page (HTML)', `${app}/p/${ready.productSlug}`],
    ['health check', `${app}/healthz`],
  ];
  const rows: Row[] = [];
  try {
    for (const [scenario, url] of scenarios) {
      const row = { scenario, path: new URL(url).pathname, ...(await measure(url, pid)) };
      rows.push(row);
      process.stderr.write(`  ${db}: ${scenario}: ${row.reqPerSec} req/s\n`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  const base = rows[0]!.reqPerSec;
  return rows.map((r) => ({ ...r, ratio: Math.round((r.reqPerSec / base) * 100) / 100 }));
}

function table(db: string, rows: Row[]): string {
  const load = loadavg().map((n) => n.toFixed(1)).join(' ');
  const head = `\n### ${db} (${duration}s per scenario, ${connections} connections, load average after: ${load})\n\n| scenario | req/s | p50 ms | p99 ms | peak RSS MB | errors | ratio to baseline |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n`;
  return head + rows.map((r) => `| ${r.scenario} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.peakRssMb} | ${r.errors} | ${r.ratio?.toFixed(2)} |`).join('\n') + '\n';
}

await mkdir('bench/results', { recursive: true });
for (const db of targets) {
  const rows = await run(db);
  writeFileSync(`bench/results/${db}.json`, JSON.stringify({ date: new Date().toISOString(), duration, connections, node: process.version, rows }, null, 2));
  process.stdout.write(table(db, rows));
}
