import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.js';
import { trustProxyFunction } from './proxy-trust.js';

// The id reaches every log line and the audit hash chain, so only a short, plain token is believed:
// no separators a log or CSV reader might interpret (`=`, `;`, `@`, `+`), nothing longer than a trace id.
const safeId = /^[A-Za-z0-9._:-]{1,64}$/;
// The ALB's `X-Amzn-Trace-Id` is `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=...`; its root is the id.
const amznRoot = /(?:^|;)Root=([A-Za-z0-9-]{1,64})(?:;|$)/;

/**
 * Fastify's genReqId: the `X-Request-Id` (else the root of the ALB's `X-Amzn-Trace-Id`) of a request
 * whose socket peer is a trusted proxy (TRUST_PROXY), so one id follows a request from the load balancer
 * through every log line; anyone else gets a new UUID. A client's own id is never believed: it would
 * otherwise choose what the audit trail records as the request's id.
 */
export function requestIdFrom(trustProxy: Config['trustProxy']): (req: IncomingMessage) => string {
  const trusted = trustProxyFunction(trustProxy);
  return (req) => {
    const peer = req.socket.remoteAddress;
    if (peer === undefined || !trusted(peer, 0)) return randomUUID();
    const given = req.headers['x-request-id'];
    if (typeof given === 'string' && safeId.test(given)) return given;
    const trace = req.headers['x-amzn-trace-id'];
    const root = typeof trace === 'string' ? amznRoot.exec(trace)?.[1] : undefined;
    return root ?? randomUUID();
  };
}
