import { spawn, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm run bench:memory [-- --products 10000] [--requests 3000]`
 *
 * The embedded default's memory with a large catalog: seeds N generated products into a fresh PGlite
 * folder (in a process of its own, as a first start does), starts `npm start` (no DATABASE_URL), and reads its resident memory (/proc VmRSS, and the peak VmHWM) once
 * ready and again after a warm-up of requests spread over the catalog: every category page, product pages
 * and product JSON for many different products, listings at many offsets, search. Prints a table.
 */
const { values } = parseArgs({ options: { products: { type: 'string', default: '10000' }, requests: { type: 'string', default: '3000' } }, strict: true });
const products = Number(values.products);
const requests = Number(values.requests);
const limitMb = 400;

const mb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
};

/** The process that serves: the largest descendant of `npm start` (npm, its shell and tsx's CLI sit above it). */
function serverPid(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone meanwhile */
    }
  }
  const all: number[] = [];
  const walk = (pid: number): void => {
    for (const c of children.get(pid) ?? []) {
      all.push(c);
      walk(c);
    }
  };
  walk(root);
  return all.reduce((best, pid) => (mb(pid, 'VmRSS') > mb(best, 'VmRSS') ? pid : best), root);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const dataDir = await mkdtemp(join(tmpdir(), 'bastion-memory-'));
const env: Record<string, string> = { ...(process.env as Record<string, string>), DATA_DIR: dataDir, HOST: '127.0.0.1', RATE_LIMITS: 'off', LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
delete env.WEB_CONCURRENCY;
delete env.NODE_ENV;

try {
  process.stderr.write(`Seeding ${products} products into a new embedded database…\n`);
  const seedStarted = Date.now();
  const seed = fork('src/cli/seed.ts', ['--products', String(products)], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const seedCode = await new Promise<number | null>((resolve) => seed.once('exit', resolve));
  if (seedCode !== 0) throw new Error(`seed exited ${seedCode}`);
  const seedSeconds = (Date.now() - seedStarted) / 1000;

  const port = await freePort();
  const startedAt = Date.now();
  // `npm start` itself, with its Node.js flags; in a process group of its own, so it stops as a whole.
  const server = spawn('npm', ['start', '--silent'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited ${server.exitCode}`);
      const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const readySeconds = (Date.now() - startedAt) / 1000;
    const pid = serverPid(server.pid!);
    const atReady = { rss: mb(pid, 'VmRSS'), peak: mb(pid, 'VmHWM') };

    // Many different URLs, so the read cache and the database's buffers fill as a real shop's would.
    const categories = (await (await fetch(`${base}/api/v1/categories`)).json()) as { items: { slug: string }[] };
    const slugs: string[] = [];
    for (let offset = 0; slugs.length < Math.min(products, 1000); offset += 100) {
      const page = (await (await fetch(`${base}/api/v1/products?limit=100&offset=${offset}`)).json()) as { items: { slug: string }[] };
      if (page.items.length === 0) break;
      slugs.push(...page.items.map((p) => p.slug));
    }
    const urls: string[] = ['/', '/search?q=shirt', '/search?q=mug'];
    for (const c of categories.items) urls.push(`/c/${c.slug}`, `/c/${c.slug}?page=2`, `/c/${c.slug}?page=3`);
    for (const slug of slugs) urls.push(`/p/${slug}`, `/api/v1/products/${slug}`);
    for (let offset = 0; offset < Math.min(products, 2000); offset += 20) urls.push(`/api/v1/products?limit=20&offset=${offset}`);

    let done = 0;
    let failed = 0;
    const warmStarted = Date.now();
    const worker = async (): Promise<void> => {
      while (done < requests) {
        const url = urls[done++ % urls.length]!;
        const res = await fetch(`${base}${url}`).catch(() => undefined);
        if (!res || res.status >= 500) failed++;
        await res?.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const warmSeconds = (Date.now() - warmStarted) / 1000;
    const afterWarm = { rss: mb(pid, 'VmRSS'), peak: mb(pid, 'VmHWM') };

    const verdict = (n: number): string => (n < limitMb ? `under ${limitMb}` : `over ${limitMb}`);
    process.stdout.write(
      `\n### Embedded default (PGlite), ${products} generated products (load average after: ${loadavg().map((n) => n.toFixed(1)).join(' ')})\n\n` +
        `Seeded in ${seedSeconds.toFixed(1)} s (initdb, migrations and the seed, in their own process); server ready in ${readySeconds.toFixed(1)} s; ` +
        `warm-up: ${requests} requests over ${urls.length} URLs, 8 at a time, in ${warmSeconds.toFixed(1)} s, ${failed} failed (5xx or no answer).\n\n` +
        '| | resident (VmRSS) MiB | peak (VmHWM) MiB | |\n| --- | ---: | ---: | --- |\n' +
        `| server ready | ${atReady.rss} | ${atReady.peak} | ${verdict(atReady.peak)} |\n` +
        `| after the warm-up | ${afterWarm.rss} | ${afterWarm.peak} | ${verdict(afterWarm.peak)} |\n`,
    );
  } finally {
    process.kill(-server.pid!, 'SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once('exit', resolve)));
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
