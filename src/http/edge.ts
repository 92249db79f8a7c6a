import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { CounterStore } from '../adapters/cache/counter-store.js';
import { createBusinessMetrics, type BusinessMetrics } from '../adapters/metrics/business-metrics.js';
import { createEmfPublisher, type EmfPublisher } from '../adapters/metrics/emf.js';
import type { Config } from '../config.js';
import { registerHttpSecurity, type HttpSecurity } from './http-security.js';
import { loggerOptions } from './logger.js';
import { createMetrics, registerHttpMetrics, type HttpMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { requestIdFrom } from './request-id.js';
import { createSecurityMetrics, type SecurityMetrics } from './security-metrics.js';
import { serverOptions } from './server-options.js';
import { validatorCompiler } from './validation.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The path itself is a bearer secret (a payment page's token): the access log writes the route's
     * pattern (`/pay/test/:token`) instead, so whoever reads the logs cannot open the page.
     */
    secretInPath?: boolean;
  }
}

export interface HttpEdge {
  app: FastifyInstance;
  metrics: HttpMetrics;
  securityMetrics: SecurityMetrics;
  /** Orders, payment failures, checkout latency: for the checkout and payment modules. */
  businessMetrics: BusinessMetrics;
  /** The CloudWatch EMF publisher when METRICS=emf, for modules' own figures (the outbox's queue). */
  emf: EmfPublisher | undefined;
  /** CSRF tokens for forms, the rate limiter, the HTTPS redirect listener. */
  security: HttpSecurity;
}

export interface HttpEdgeDeps {
  /** Where log lines go (stdout by default); tests capture them. */
  logStream?: { write(line: string): void } | undefined;
  /** Rate-limit counters (default: Redis when REDIS_URL is set, else in process). */
  counterStore?: CounterStore | undefined;
  /** A stable key of the request's session, for CSRF binding and rate limits. */
  sessionKeyOf: NonNullable<Parameters<typeof registerHttpSecurity>[2]['sessionKeyOf']>;
  /** The account of the request's validated session (rate limits count it across addresses). */
  accountOf?: Parameters<typeof registerHttpSecurity>[2]['accountOf'];
}

/**
 * The Fastify instance with everything a request meets before any route: request ids and the access log,
 * the in-app edge (IP lists, request and rate limits, CSRF, CORS, security headers), metrics and OpenAPI.
 */
export async function createHttpEdge(config: Config, deps: HttpEdgeDeps): Promise<HttpEdge> {
  const metrics = createMetrics();
  const emf =
    config.metrics.mode === 'emf'
      ? createEmfPublisher({ namespace: config.metrics.namespace, serviceName: config.shop.name, agentEndpoint: config.metrics.agentEndpoint })
      : undefined;
  const securityMetrics = createSecurityMetrics(metrics.registry, emf);
  const app = Fastify({
    // HTTPS or HTTP, TRUST_PROXY, header size limit (431): docs/security-http.md.
    ...serverOptions(config, securityMetrics),
    logger: { ...loggerOptions(config), ...(deps.logStream ? { stream: deps.logStream } : {}) },
    genReqId: requestIdFrom(config.trustProxy),
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Slow clients are bounded in serverOptions (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS); the
    // ALB's idle timeout is 60 s, so keep-alive outlasts it.
    keepAliveTimeout: 65_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', String(request.id));
    done();
  });
  // One access-log line per request (instead of Fastify's two) keeps logging cheap under load.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        path: request.routeOptions.config.secretInPath === true ? request.routeOptions.url : request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });

  // The in-app edge comes before every route, so nothing is reachable around it.
  const security = await registerHttpSecurity(app, config, {
    metrics: securityMetrics,
    sessionKeyOf: deps.sessionKeyOf,
    ...(deps.accountOf ? { accountOf: deps.accountOf } : {}),
    ...(deps.counterStore ? { counterStore: deps.counterStore } : {}),
  });
  await registerOpenApi(app, { title: config.shop.name, version: '0.1.0', publicUrl: config.publicUrl });

  if (emf) app.addHook('onClose', async () => emf.stop().catch((err: unknown) => app.log.warn({ err }, 'could not flush EMF metrics')));
  registerHttpMetrics(app, metrics, emf ? (sample) => emf.recordRequest(sample) : undefined);
  const businessMetrics = createBusinessMetrics(metrics.registry, emf);
  return { app, metrics, securityMetrics, businessMetrics, emf, security };
}
