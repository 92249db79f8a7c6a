import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openRuntime, prepareDatabase } from '../src/runtime.js';

/**
 * The process under load: the full app on one port and, on another, the bare baseline: a minimal
 * Fastify route doing one primary-key SELECT on the same database handle. Prints one JSON line with
 * both ports once ready, for bench/run.ts.
 */
const dataDir = process.env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'bastion-bench-')));
const config = loadConfig({ ...process.env, DATA_DIR: dataDir, PORT: '0' });
const runtime = await openRuntime(config);
await prepareDatabase(config, runtime);
const { app } = await buildApp(config, runtime);
await app.listen({ port: 0, host: '127.0.0.1' });

const baseline = Fastify({ logger: false });
const db = runtime.database.db;
baseline.get<{ Params: { id: string } }>('/baseline/product/:id', async (request) =>
  db.selectFrom('product').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow(),
);
await baseline.listen({ port: 0, host: '127.0.0.1' });

const product = await db.selectFrom('product').select(['id', 'slug']).where('slug', '=', 'organic-cotton-tee').executeTakeFirstOrThrow();
const port = (server: typeof baseline): number => (server.server.address() as { port: number }).port;
process.send?.({ app: port(app as unknown as typeof baseline), baseline: port(baseline), productId: product.id, productSlug: product.slug });

process.on('SIGTERM', () => {
  void Promise.all([app.close(), baseline.close()])
    .then(() => runtime.database.close())
    .then(() => process.exit(0));
});
