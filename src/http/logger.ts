import type { FastifyLoggerOptions } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { Config } from '../config.js';

/**
 * pino options. Credentials, cookies and card-like fields are censored wherever they appear in a
 * logged object, as a second line of defence behind "never log personal data".
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.secret',
  '*.cardNumber',
  '*.card_number',
  '*.cvc',
  '*.cvv',
  '*.pan',
  'password',
  'token',
  'secret',
  'cardNumber',
  'cvc',
];

export function loggerOptions(config: Config): FastifyLoggerOptions & LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: redactPaths, censor: '[redacted]' },
    // Query strings may carry single-use tokens (verification, reset links); log the path only.
    serializers: {
      req: (req: { method: string; url: string; ip?: string; hostname?: string }) => ({
        method: req.method,
        url: req.url.split('?')[0],
        hostname: req.hostname,
        remoteAddress: req.ip,
      }),
    },
  };
}
