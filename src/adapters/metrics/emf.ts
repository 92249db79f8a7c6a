import { Configuration, Unit, createMetricsLogger } from 'aws-embedded-metrics';

/** Per-route HTTP figures gathered between two flushes. */
interface RouteWindow {
  route: string;
  method: string;
  requests: number;
  errors4xx: number;
  errors5xx: number;
  latencies: number[];
  seen: number;
}

export interface EmfPublisher {
  recordRequest(sample: { route: string; method: string; status: number; ms: number }): void;
  /** A business event, written at once: OrdersPlaced, PaymentFailures, CheckoutLatency, ... */
  recordEvent(name: string, value: number, unit: 'Count' | 'Milliseconds' | 'Seconds' | 'None', dimensions?: Record<string, string>): Promise<void>;
  /** Writes the HTTP figures gathered since the last flush (also done every `intervalMs`). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

// CloudWatch takes at most 100 values per metric in one EMF record; beyond that, a uniform sample.
const maxSamples = 100;

/**
 * CloudWatch Embedded Metric Format (METRICS=emf), with the aws-embedded-metrics library sending to the
 * CloudWatch agent (tcp://127.0.0.1:25888 by default; AWS_EMF_AGENT_ENDPOINT overrides). HTTP figures are
 * aggregated per route and flushed once a minute, one record per route, instead of one per request;
 * business events are written as they happen.
 *
 * The library keeps its settings in a module-level Configuration object; this is the one place that
 * writes it.
 */
export function createEmfPublisher(options: { namespace: string; serviceName: string; intervalMs?: number; agentEndpoint?: string }): EmfPublisher {
  Configuration.namespace = options.namespace;
  Configuration.serviceName = options.serviceName;
  Configuration.serviceType = 'WebServer';
  // 'Agent': plain EMF over TCP to the CloudWatch agent, with no EC2 metadata look-ups at start.
  Configuration.environmentOverride = 'Agent' as typeof Configuration.environmentOverride;
  if (options.agentEndpoint !== undefined) Configuration.agentEndpoint = options.agentEndpoint;

  let windows = new Map<string, RouteWindow>();

  const flush = async (): Promise<void> => {
    const current = windows;
    windows = new Map();
    for (const w of current.values()) {
      const logger = createMetricsLogger();
      logger.setDimensions({ Route: w.route, Method: w.method });
      logger.putMetric('Requests', w.requests, Unit.Count);
      logger.putMetric('Errors4xx', w.errors4xx, Unit.Count);
      logger.putMetric('Errors5xx', w.errors5xx, Unit.Count);
      for (const ms of w.latencies) logger.putMetric('Latency', ms, Unit.Milliseconds);
      await logger.flush();
    }
  };

  const timer = setInterval(() => void flush().catch(() => undefined), options.intervalMs ?? 60_000);
  timer.unref();

  return {
    recordRequest({ route, method, status, ms }) {
      const key = `${method} ${route}`;
      let w = windows.get(key);
      if (!w) {
        w = { route, method, requests: 0, errors4xx: 0, errors5xx: 0, latencies: [], seen: 0 };
        windows.set(key, w);
      }
      w.requests++;
      if (status >= 500) w.errors5xx++;
      else if (status >= 400) w.errors4xx++;
      // Reservoir sampling keeps a uniform sample of latencies however busy the minute was.
      w.seen++;
      if (w.latencies.length < maxSamples) w.latencies.push(ms);
      else {
        const slot = Math.floor(Math.random() * w.seen);
        if (slot < maxSamples) w.latencies[slot] = ms;
      }
    },
    async recordEvent(name, value, unit, dimensions) {
      const logger = createMetricsLogger();
      // No dimensions unless asked: the library's defaults (service name and type, log group) would make
      // another metric than the one the alarms watch (docs/deploy-aws.md: namespace Bastion, no dimensions).
      logger.setDimensions(dimensions ?? {});
      logger.putMetric(name, value, Unit[unit]);
      await logger.flush();
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
