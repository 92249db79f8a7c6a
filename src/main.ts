import { fork } from 'node:child_process';
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './app.js';
import { ConfigError, type Config } from './config.js';
import { loadConfigWithSecrets } from './load-config.js';
import { openRuntime, prepareDatabase } from './runtime.js';
import { createShutdown } from './shutdown.js';

/**
 * `MIGRATE_ON_START=false` (the AWS stack sets it): the release pipeline migrates once, as the owner role,
 * before instances roll; an instance only serves. Unset or anything else: migrate (and seed) at start.
 */
const migrateOnStart = process.env.MIGRATE_ON_START !== 'false';

/** Process entry: validate config, prepare the database, then serve with one or N workers. */
async function main(): Promise<void> {
  let config: Config;
  try {
    const loaded = await loadConfigWithSecrets();
    config = loaded.config;
    if (loaded.fromSecrets.length > 0 && cluster.isPrimary) {
      process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: 'settings read from Secrets Manager', names: loaded.fromSecrets })}\n`);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bastion: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

  if (process.env.BASTION_PREPARE_ONLY === '1') return prepareOnly(config);
  if (cluster.isPrimary && config.webConcurrency > 1) return runPrimary(config);
  if (isFreshEmbeddedDatabase(config)) await prepareInChildProcess();
  await runWorker(config, cluster.isPrimary && migrateOnStart);
}

function isFreshEmbeddedDatabase(config: Config): boolean {
  return config.database.kind === 'pglite' && config.database.dataDir !== undefined && !existsSync(join(config.database.dataDir, 'PG_VERSION'));
}

/**
 * A new embedded database is created, migrated and seeded in a child process: initdb and drawing the
 * demo images take ~850 MB at their peak, and neither WASM nor libvips gives memory back. The server then
 * opens the prepared folder and stays at the ~350 MB of any later start (docs/benchmarks.md).
 */
async function prepareInChildProcess(): Promise<void> {
  const child = fork(process.argv[1]!, process.argv.slice(2), { env: { ...process.env, BASTION_PREPARE_ONLY: '1' }, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`preparing the embedded database failed (exit ${code})`);
}

async function prepareOnly(config: Config): Promise<void> {
  const runtime = await openRuntime(config);
  const prepared = await prepareDatabase(config, runtime);
  await runtime.database.close();
  process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: 'embedded database created', migrations: prepared.migrations, seed: prepared.seed })}\n`);
}

/** The primary migrates once, then forks workers that share the listening port; it forwards signals. */
async function runPrimary(config: Config): Promise<void> {
  if (migrateOnStart) {
    const runtime = await openRuntime(config);
    const prepared = await prepareDatabase(config, runtime);
    await runtime.database.close();
    process.stdout.write(`${JSON.stringify({ level: 30, msg: 'database ready', migrations: prepared.migrations, workers: config.webConcurrency })}\n`);
  }

  let stopping = false;
  for (let i = 0; i < config.webConcurrency; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      process.stdout.write(`${JSON.stringify({ level: 40, msg: 'worker exited; replacing it', pid: worker.process.pid, code })}\n`);
      cluster.fork();
    } else if (Object.keys(cluster.workers ?? {}).length === 0) {
      process.exit(0);
    }
  });
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), config.shutdownReadinessDelayMs + config.shutdownTimeoutMs + 5_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function runWorker(config: Config, prepare: boolean): Promise<void> {
  const runtime = await openRuntime(config);
  let draining = (): boolean => false;
  const { app } = await buildApp(config, { ...runtime, isShuttingDown: () => draining() });
  const { shutdown, isShuttingDown } = createShutdown({
    app,
    closeResources: () => runtime.database.close(),
    readinessDelayMs: config.shutdownReadinessDelayMs,
    timeoutMs: config.shutdownTimeoutMs,
    exit: (code) => process.exit(code),
  });
  draining = isShuttingDown;
  if (prepare) {
    const prepared = await prepareDatabase(config, runtime);
    app.log.info({ migrations: prepared.migrations, seed: prepared.seed }, 'database ready');
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
}

main().catch((err: unknown) => {
  process.stderr.write(`bastion: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
