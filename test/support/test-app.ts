import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { buildApp, type BuiltApp } from '../../src/app.js';
import type { CounterStore } from '../../src/adapters/cache/counter-store.js';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { openTestDatabase } from './test-database.js';

export interface TestApp extends BuiltApp {
  config: Config;
  database: DatabaseHandle;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** The real app on a private test database, with the seeded images and captured log lines. */
export async function createTestApp(env: Record<string, string> = {}, options: { database?: DatabaseHandle; isShuttingDown?: () => boolean; counterStore?: CounterStore } = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bastion-test-'));
  // The read cache is off by default so a test sees its own writes at once; catalog-cache.test.ts covers it.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, CATALOG_CACHE_TTL_MS: '0', ...env });
  const database = options.database ?? (await openTestDatabase());
  const store = createLocalObjectStore(inject('objectsDir'));
  const logs: Record<string, unknown>[] = [];
  const logStream = { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) };
  const built = await buildApp(config, { database, store, logStream, ...(options.isShuttingDown ? { isShuttingDown: options.isShuttingDown } : {}), ...(options.counterStore ? { counterStore: options.counterStore } : {}) });
  return {
    ...built,
    config,
    database,
    logs,
    close: async () => {
      await built.app.close();
      if (!options.database) await database.close();
    },
  };
}
