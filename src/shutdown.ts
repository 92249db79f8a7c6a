import type { FastifyInstance } from 'fastify';

export interface ShutdownDeps {
  app: FastifyInstance;
  closeResources: () => Promise<void>;
  timeoutMs: number;
  exit: (code: number) => void;
}

/**
 * Graceful shutdown: /readyz starts failing (the load balancer stops sending), the server stops
 * accepting, in-flight requests finish within `timeoutMs` (then their sockets are closed), the
 * database closes, and the process exits 0 (1 only if closing itself failed).
 */
export function createShutdown(deps: ShutdownDeps): { shutdown: (reason: string) => Promise<void>; isShuttingDown: () => boolean } {
  let shuttingDown = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    const { app } = deps;
    app.log.info({ reason, timeoutMs: deps.timeoutMs }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time; closing their connections');
      app.server.closeAllConnections();
    }, deps.timeoutMs);
    force.unref();
    try {
      await app.close();
      await deps.closeResources();
      clearTimeout(force);
      app.log.info('stopped cleanly');
      deps.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      deps.exit(1);
    }
  };
  return { shutdown, isShuttingDown: () => shuttingDown };
}
