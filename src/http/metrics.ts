import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../kernel/errors.js';

export interface HttpMetrics {
  registry: Registry;
}

/**
 * Prometheus metrics on a registry owned by this app instance (no prom-client global), so tests and
 * several apps in one process never share counters.
 */
export function createMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return { registry };
}

/** Another consumer of each request's figures (the EMF publisher when METRICS=emf). */
export type RequestObserver = (sample: { route: string; method: string; status: number; ms: number }) => void;

export function registerHttpMetrics(app: FastifyInstance, metrics: HttpMetrics, observe?: RequestObserver): void {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route template, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [metrics.registry],
  });
  const errors = new Counter({
    name: 'http_request_errors_total',
    help: 'HTTP responses with a 4xx or 5xx status, by route and class',
    labelNames: ['method', 'route', 'class'] as const,
    registers: [metrics.registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });

  app.addHook('onResponse', (request, reply, done) => {
    // The route template keeps label cardinality bounded: unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) {
      errors.inc({ method: request.method, route, class: reply.statusCode >= 500 ? '5xx' : '4xx' });
    }
    observe?.({ route, method: request.method, status: reply.statusCode, ms: reply.elapsedTime });
    done();
  });
}

/**
 * Outside development, /metrics needs the bearer METRICS_TOKEN. Only in test does a scrape from this host
 * pass without one: in production a reverse proxy on the same host makes every visitor a loopback peer.
 */
export function assertMetricsAccess(request: FastifyRequest, options: { development: boolean; production?: boolean; token: string | undefined }): void {
  if (options.development) return;
  const header = request.headers.authorization ?? '';
  if (options.token !== undefined && header.startsWith('Bearer ')) {
    const given = Buffer.from(header.slice('Bearer '.length));
    const expected = Buffer.from(options.token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  }
  const peer = request.socket.remoteAddress ?? '';
  const loopback = peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1';
  if (options.token === undefined && loopback && options.production !== true) return;
  throw new AppError('METRICS_FORBIDDEN', 'forbidden', 'Metrics need a valid bearer token.');
}
