import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import { trustProxyFunction } from './proxy-trust.js';
import type { SecurityMetrics } from './security-metrics.js';

/**
 * TLS 1.2 ciphers: the forward-secret AEAD suites of Mozilla's "intermediate" profile (TLS 1.3 suites are
 * all strong and stay Node's defaults). No CBC, no RSA key exchange, no SHA-1.
 */
export const tls12Ciphers = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The node:https options for TLS_CERT/TLS_KEY: TLS 1.2 minimum, strong ciphers only. */
export function httpsServerOptions(tls: NonNullable<Config['tls']>, maxHeaderSize: number): https.ServerOptions {
  return {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    minVersion: 'TLSv1.2',
    ciphers: tls12Ciphers,
    maxHeaderSize,
  };
}

/**
 * Node's bounds on a slow client: the header block within `headersTimeout` (slowloris), headers and body
 * within `requestTimeout` (slow POST), whatever the pace of the bytes; past them the client gets 408 and
 * the socket is closed. Node checks them every `connectionsCheckingInterval` (30 s by default, which let a
 * 30 s bound run to 60 s), so the check runs at a quarter of the shorter bound, at most once a second.
 */
export function slowClientBounds(http: Pick<Config['http'], 'headersTimeoutMs' | 'requestTimeoutMs'>): {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
} {
  const shorter = Math.min(http.headersTimeoutMs, http.requestTimeoutMs);
  return {
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(shorter / 4))),
  };
}

/**
 * The Fastify constructor options that decide how the socket is served: HTTPS or plain HTTP, which peers'
 * X-Forwarded-* headers are believed (TRUST_PROXY), the header size limit (431 beyond it) and the answer
 * to requests Node's parser refuses, as problem+json like every other error.
 */
export function serverOptions(config: Config, metrics: SecurityMetrics): Pick<FastifyServerOptions, 'trustProxy' | 'serverFactory' | 'clientErrorHandler'> {
  const maxHeaderSize = config.http.maxHeaderBytes;
  const tls = config.tls ? httpsServerOptions(config.tls, maxHeaderSize) : undefined;
  const bounds = slowClientBounds(config.http);
  return {
    trustProxy: trustProxyFunction(config.trustProxy),
    serverFactory: (handler, options) => {
      const server = tls ? https.createServer({ ...tls, ...bounds }, handler) : http.createServer({ maxHeaderSize, ...bounds }, handler);
      // Fastify applies these only to servers it creates itself: keep the keep-alive longer than the load
      // balancer's idle timeout.
      const number = (name: string): number | undefined => {
        const value = options[name];
        return typeof value === 'number' ? value : undefined;
      };
      const keepAlive = number('keepAliveTimeout');
      const connection = number('connectionTimeout');
      const perSocket = number('maxRequestsPerSocket');
      if (keepAlive !== undefined) server.keepAliveTimeout = keepAlive;
      if (connection !== undefined) server.setTimeout(connection);
      if (perSocket) server.maxRequestsPerSocket = perSocket;
      return server;
    },
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, code, title] =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'HEADERS_TOO_LARGE', 'Request Header Fields Too Large']
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'REQUEST_TIMEOUT', 'Request Timeout']
            : [400, 'BAD_REQUEST', 'Bad Request'];
      if (status === 431) metrics.blocked('header_too_large');
      const body = JSON.stringify({ type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`, title, status, code, detail: `${title}.` });
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${title}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(err);
    },
  };
}
