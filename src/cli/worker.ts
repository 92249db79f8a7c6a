import { buildApp } from '../app.js';
import { ConfigError } from '../config.js';
import { loadConfigWithSecrets } from '../load-config.js';
import { openRuntime } from '../runtime.js';

/**
 * `npm run worker`: the transactional outbox's worker in its own process, for when the web processes
 * run with OUTBOX_WORKER=off. It builds the same app as the server (so it has every job handler the
 * server has) and never listens; SIGTERM or SIGINT stops claiming, lets running jobs finish (up to
 * SHUTDOWN_TIMEOUT_MS; a job still running then runs again after its lease) and exits 0.
 * PostgreSQL only: the embedded database belongs to the one web process, which runs the worker itself.
 */
let config;
try {
  config = (await loadConfigWithSecrets()).config;
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`worker: ${err.message}\n`);
  process.exit(78); // EX_CONFIG
}
if (config.database.kind === 'pglite') {
  process.stderr.write('worker: needs DATABASE_URL (PostgreSQL); with the embedded database the web process runs the worker (OUTBOX_WORKER=on).\n');
  process.exit(78);
}

const runtime = await openRuntime(config);
const { app } = await buildApp({ ...config, outbox: { ...config.outbox, worker: 'on' } }, runtime);
let stopping = false;
const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'worker stopping');
  setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 5_000).unref();
  try {
    await app.close();
    await runtime.database.close();
    app.log.info('worker stopped cleanly');
    process.exit(0);
  } catch (err) {
    app.log.error({ err }, 'worker shutdown failed');
    process.exit(1);
  }
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
await app.ready();
app.log.info({ pid: process.pid }, 'outbox worker process ready');
