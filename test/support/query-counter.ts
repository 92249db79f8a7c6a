import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';

/** A database handle that counts (and keeps the SQL of) every statement the app runs through it. */
export interface CountingDatabase {
  handle: DatabaseHandle;
  /** Statements run since the last reset, as SQL text. */
  readonly statements: string[];
  reset(): void;
}

/**
 * Wraps a handle with a Kysely plugin: the same connection or pool, plus a count of the statements
 * executed (a result came back), each kept as its SQL for the message of a failing test. Transactions
 * opened through the wrapped handle are counted too; the wrapped handle's close closes the original.
 */
export function countQueries(handle: DatabaseHandle): CountingDatabase {
  const statements: string[] = [];
  const pending = new WeakMap<object, string>();
  const executor = handle.db.getExecutor();
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      pending.set(args.queryId, executor.compileQuery(args.node, args.queryId).sql);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      statements.push(pending.get(args.queryId) ?? '(unknown)');
      pending.delete(args.queryId);
      return args.result;
    },
  };
  return {
    handle: { ...handle, db: handle.db.withPlugin(plugin) },
    statements,
    reset: () => {
      statements.length = 0;
    },
  };
}
