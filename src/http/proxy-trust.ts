import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ipMatcher } from './ip-ranges.js';

/**
 * Fastify's trustProxy function for TRUST_PROXY: which hops of X-Forwarded-For are believed, walking
 * from the socket peer (hop 0) towards the client. The first untrusted hop is the client (`request.ip`),
 * and X-Forwarded-Proto counts only when the socket peer is trusted.
 *
 * - CIDRs only (`10.0.0.0/16`): every hop inside the ranges is a proxy (an ALB in the VPC).
 * - A hop count only (`2`): that many hops are proxies, whoever they are. Safe only when nothing but the
 *   proxies can reach the port (security groups); Fastify itself refuses a bare count for this reason.
 * - Both (`10.0.0.0/16,2`): the peer must be in the ranges, and that many hops are proxies in total
 *   (ALB in the VPC, then CloudFront, whose edge addresses are too many to list).
 * - Unset: nobody is trusted; a client's X-Forwarded-For is ignored.
 */
export function trustProxyFunction(trust: Config['trustProxy']): (address: string, hop: number) => boolean {
  if (trust === undefined) return () => false;
  const ranges = ipMatcher(trust.ranges);
  const { hops } = trust;
  if (hops === undefined) return (address) => ranges.has(address);
  if (ranges.size === 0) return (_address, hop) => hop < hops;
  return (address, hop) => hop < hops && (hop > 0 || ranges.has(address));
}

/**
 * True when the client reached us over HTTPS: directly (TLS_CERT) or through a trusted proxy's
 * X-Forwarded-Proto. Cookies are `Secure` (and `__Host-`) and HSTS is sent exactly when this holds.
 */
export function isSecureRequest(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}
