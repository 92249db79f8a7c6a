import type { DatabaseConnection, Dialect, Driver, TransactionSettings } from 'kysely';
import { DatabaseBusyError } from './database-errors.js';

/**
 * Bounds how long a query waits for the connection. PGlite has one connection and its Kysely driver queues
 * every other caller without limit, so a long transaction would make every request wait behind it; past
 * `timeoutMs` the caller gets DatabaseBusyError (503 with Retry-After) instead. A connection that arrives
 * after its caller gave up is handed straight back.
 */
export function withAcquireTimeout(dialect: Dialect, timeoutMs: number): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => boundedDriver(dialect.createDriver(), timeoutMs),
  };
}

function boundedDriver(inner: Driver, timeoutMs: number): Driver {
  return {
    init: () => inner.init(),
    acquireConnection: () =>
      new Promise<DatabaseConnection>((resolve, reject) => {
        let gaveUp = false;
        const timer = setTimeout(() => {
          gaveUp = true;
          reject(new DatabaseBusyError(timeoutMs));
        }, timeoutMs);
        inner.acquireConnection().then(
          (connection) => {
            clearTimeout(timer);
            if (gaveUp) void inner.releaseConnection(connection);
            else resolve(connection);
          },
          (err: unknown) => {
            clearTimeout(timer);
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      }),
    beginTransaction: (connection: DatabaseConnection, settings: TransactionSettings) => inner.beginTransaction(connection, settings),
    commitTransaction: (connection) => inner.commitTransaction(connection),
    rollbackTransaction: (connection) => inner.rollbackTransaction(connection),
    releaseConnection: (connection) => inner.releaseConnection(connection),
    destroy: () => inner.destroy(),
    ...(inner.savepoint ? { savepoint: inner.savepoint.bind(inner) } : {}),
    ...(inner.rollbackToSavepoint ? { rollbackToSavepoint: inner.rollbackToSavepoint.bind(inner) } : {}),
    ...(inner.releaseSavepoint ? { releaseSavepoint: inner.releaseSavepoint.bind(inner) } : {}),
  };
}
