import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openRuntime, prepareDatabase } from '../src/runtime.js';

/**
 * The process under load: the full app, configured from the environment bench/run.ts gives it (the read
 * cache on or off through CATALOG_CACHE_TTL_MS), on a free loopback port. Sends `{ port }` once ready.
 * The baseline it is compared with runs in a process of its own (bench/baseline.ts).
 */
// The buying scenarios need a known port: the test gateway posts its webhooks to PUBLIC_URL.
const config = loadConfig({ ...process.env, PORT: process.env.PORT ?? '0' });
const runtime = await openRuntime(config);
await prepareDatabase(config, runtime);
const { app } = await buildApp(config, runtime);
await app.listen({ port: config.port, host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as { port: number }).port });

process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => runtime.database.close())
    .then(() => process.exit(0));
});
