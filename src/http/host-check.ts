import type { FastifyInstance, FastifyRequest } from 'fastify';
import { normalisePath } from './rate-limit-rules.js';
import { hostNotAllowed } from './security-errors.js';
import type { SecurityMetrics } from './security-metrics.js';

export interface HostCheckOptions {
  publicUrl: string;
  /** ALLOWED_HOSTS: more names the shop answers to (another domain, an internal name). */
  allowedHosts: readonly string[];
  /** Development and test also answer to loopback names: a developer's browser, the tests' sockets. */
  allowLoopback: boolean;
  metrics: SecurityMetrics;
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]', '::1'];
// The load balancer's health checks name the instance by address; they read nothing private.
const exemptPaths = new Set(['/healthz', '/readyz']);

/**
 * Refuses a request whose host (the `Host` header, or a trusted proxy's `X-Forwarded-Host`, as Fastify
 * reads it under TRUST_PROXY) is not PUBLIC_URL's host, an ALLOWED_HOSTS name, or (outside production) a
 * loopback name: 400 HOST_NOT_ALLOWED, before anything else runs. A DNS-rebinding page (an attacker's name
 * resolving to 127.0.0.1) thus reads nothing from a developer's shop, and no link, redirect or origin is
 * ever built from a host the shop does not own. The port is not compared: proxies and tests change it.
 */
export function registerHostCheck(app: FastifyInstance, options: HostCheckOptions): { isOwnHost(request: FastifyRequest): boolean } {
  const allowed = new Set([new URL(options.publicUrl).hostname.toLowerCase(), ...options.allowedHosts, ...(options.allowLoopback ? loopbackNames : [])]);
  const isOwnHost = (request: FastifyRequest): boolean => allowed.has(request.hostname.toLowerCase());

  app.addHook('onRequest', async (request) => {
    if (isOwnHost(request) || exemptPaths.has(normalisePath(request.url))) return;
    options.metrics.blocked('host');
    throw hostNotAllowed();
  });
  return { isOwnHost };
}

/** True for a loopback host name (the dev server in a developer's browser). */
export function isLoopbackHost(hostname: string): boolean {
  return loopbackNames.includes(hostname.toLowerCase());
}
