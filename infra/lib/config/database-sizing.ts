/**
 * How many connections the database takes, and so how many each app process may open. RDS for PostgreSQL
 * sets `max_connections` to LEAST(DBInstanceClassMemory / 9531392, 5000); DBInstanceClassMemory is the
 * class's memory less what RDS keeps for itself, taken here as 90 % of the nominal figure (conservative:
 * the real limit is a little higher). The alarm and the pool sizes are derived from the same number, so a
 * different class can never leave an alarm that cannot fire or pools that together exceed the server.
 */

/** Nominal memory (GiB) of the database classes the presets and the docs use, without the `db.` prefix. */
export const DB_CLASS_MEMORY_GIB: Readonly<Record<string, number>> = {
  't4g.micro': 1,
  't4g.small': 2,
  't4g.medium': 4,
  't4g.large': 8,
  'm7g.large': 8,
  'm7g.xlarge': 16,
  'm7g.2xlarge': 32,
  'r7g.large': 16,
  'r7g.xlarge': 32,
  'r7g.2xlarge': 64,
  'r7g.4xlarge': 128,
};

/** Connections kept back from the app: superuser slots, RDS's own agents, migrations and an operator's psql. */
export const RESERVED_CONNECTIONS = 15;

/** Share of `max_connections` at which the connections alarm fires. */
export const CONNECTION_ALARM_RATIO = 0.8;

/** Web processes per instance (`WEB_CONCURRENCY`); the outbox worker is one more process beside them. */
export const WEB_PROCESSES_PER_INSTANCE = 2;
export const WORKER_PROCESSES_PER_INSTANCE = 1;

/** Bounds of the per-process pool: below 2 a slow query blocks everything, above 20 a process gains little. */
export const POOL_SIZE_BOUNDS = { min: 2, max: 20 } as const;

export interface DatabaseSizing {
  readonly maxConnections: number;
  /** DatabaseConnections above this raises the alarm. */
  readonly alarmThreshold: number;
  /** `DATABASE_POOL_SIZE` for every app process. */
  readonly poolSizePerProcess: number;
  /** Processes that may hold connections at once: (max capacity + 1 during an instance refresh) x processes. */
  readonly processes: number;
}

export function maxConnectionsOf(instanceClass: string): number {
  const gib = DB_CLASS_MEMORY_GIB[instanceClass];
  if (gib === undefined) {
    throw new Error(`no memory figure for db.${instanceClass}: add it to DB_CLASS_MEMORY_GIB in lib/config/database-sizing.ts`);
  }
  return Math.min(Math.floor((gib * 0.9 * 1024 ** 3) / 9_531_392), 5_000);
}

/**
 * Derives the alarm threshold and the pool size. The pool is what is left after the reserve, shared by
 * every process the fleet can run at its maximum, plus one instance an instance refresh launches early;
 * a fleet that would get fewer than POOL_SIZE_BOUNDS.min each fails the synth with the reason.
 */
export function databaseSizing(instanceClass: string, maxCapacity: number): DatabaseSizing {
  const maxConnections = maxConnectionsOf(instanceClass);
  const processes = (maxCapacity + 1) * (WEB_PROCESSES_PER_INSTANCE + WORKER_PROCESSES_PER_INSTANCE);
  const usable = Math.floor(maxConnections * CONNECTION_ALARM_RATIO) - RESERVED_CONNECTIONS;
  const share = Math.floor(usable / processes);
  if (share < POOL_SIZE_BOUNDS.min) {
    throw new Error(
      `db.${instanceClass} (max_connections ${maxConnections}) cannot serve ${processes} app processes with ${POOL_SIZE_BOUNDS.min} connections each: ` +
        'choose a larger database class or a lower maxCapacity (or put RDS Proxy in front, see docs/deploy-aws.md)',
    );
  }
  return {
    maxConnections,
    alarmThreshold: Math.floor(maxConnections * CONNECTION_ALARM_RATIO),
    poolSizePerProcess: Math.min(share, POOL_SIZE_BOUNDS.max),
    processes,
  };
}
