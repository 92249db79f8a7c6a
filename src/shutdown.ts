import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

export interface ShutdownDeps {
  app: FastifyInstance;
  closeResources: () => Promise<void>;
  /** How long /readyz answers 503 while the listener still accepts (SHUTDOWN_READINESS_DELAY_MS). */
  readinessDelayMs: number;
  /** How long in-flight requests may take once the listener is closed (SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  exit: (code: number) => void;
}

/**
 * Graceful shutdown, in the order a load balancer expects:
 * 1. /readyz answers 503 at once, and for `readinessDelayMs` the server still accepts and serves as before,
 *    so the load balancer sees the target fail and stops sending to it before anything is refused;
 * 2. the listener closes (new connections are refused, idle keep-alive sockets are closed) and in-flight
 *    requests finish, each answered with `Connection: close`; after `timeoutMs` the rest are cut;
 * 3. the database closes and the process exits 0 (1 only if closing itself failed).
 */
export function createShutdown(deps: ShutdownDeps): { shutdown: (reason: string) => Promise<void>; isShuttingDown: () => boolean } {
  let shuttingDown = false;
  // Responses in progress: once draining, each is sent with `Connection: close`, so its keep-alive socket
  // closes after it instead of lingering until the force bound (Node closes only sockets idle at close()).
  const inFlight = new Set<ServerResponse>();
  deps.app.server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  const shutdown = async (reason: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    const { app } = deps;
    app.log.info({ reason, readinessDelayMs: deps.readinessDelayMs }, 'shutting down: readiness failing, still serving');
    if (deps.readinessDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, deps.readinessDelayMs));
    app.log.info({ timeoutMs: deps.timeoutMs, inFlight: inFlight.size }, 'shutting down: closing the listener, draining in-flight requests');
    for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
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
