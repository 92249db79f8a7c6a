import cluster from 'node:cluster';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openRuntime, prepareDatabase } from '../src/runtime.js';

/**
 * The process under load: the full app, configured from the environment bench/run.ts gives it (the read
 * cache on or off through CATALOG_CACHE_TTL_MS), on a free loopback port. Sends `{ port }` once ready.
 * The baseline it is compared with runs in a process of its own (bench/baseline.ts).
 *
 * BENCH_WORKERS=N (the buying pass's `--workers N`, on a known PORT): N processes share the port through
 * node:cluster, as WEB_CONCURRENCY runs the app in production (src/main.ts); this process prepares the
 * database and waits for them.
 */
// The buying scenarios need a known port: the test gateway posts its webhooks to PUBLIC_URL.
const config = loadConfig({ ...process.env, PORT: process.env.PORT ?? '0' });
const workers = Number(process.env.BENCH_WORKERS ?? 1);

if (cluster.isPrimary && workers > 1) {
  const runtime = await openRuntime(config);
  await prepareDatabase(config, runtime);
  await runtime.database.close();
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) process.send?.({ port: config.port });
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
} else {
  const runtime = await openRuntime(config);
  if (cluster.isPrimary) await prepareDatabase(config, runtime);
  const { app } = await buildApp(config, runtime);
  await app.listen({ port: config.port, host: '127.0.0.1' });
  process.send?.({ port: (app.server.address() as { port: number }).port });

  process.on('SIGTERM', () => {
    void app
      .close()
      .then(() => runtime.database.close())
      .then(() => process.exit(0));
  });
}
