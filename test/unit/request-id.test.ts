import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestIdFrom } from '../../src/http/request-id.js';

const req = (headers: Record<string, string>, remoteAddress = '10.0.0.5'): IncomingMessage =>
  ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const behindAlb = requestIdFrom({ ranges: [{ address: '10.0.0.0', prefix: 16, family: 'ipv4' }], hops: undefined });

describe('request ids', () => {
  it('takes a trusted proxy’s X-Request-Id, then the root of the ALB trace id', () => {
    expect(behindAlb(req({ 'x-request-id': 'abc-123', 'x-amzn-trace-id': 'Root=1-5f-8' }))).toBe('abc-123');
    expect(behindAlb(req({ 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678;Sampled=1' }))).toBe('1-67891233-abcdef012345678912345678');
  });

  it('never believes an id from a client that is not a trusted proxy', () => {
    expect(behindAlb(req({ 'x-request-id': 'abc-123' }, '198.51.100.7'))).toMatch(uuid);
    expect(requestIdFrom(undefined)(req({ 'x-request-id': 'abc-123' }, '127.0.0.1'))).toMatch(uuid);
  });

  it('replaces ids that could forge log lines, CSV cells or bloat them, even from a proxy', () => {
    for (const forged of ['evil\n{"level":60}', '=forged-id', 'a;b', 'x'.repeat(65)]) expect(behindAlb(req({ 'x-request-id': forged }))).toMatch(uuid);
  });

  it('generates a UUID when none is given', () => {
    const a = behindAlb(req({}));
    expect(a).toMatch(uuid);
    expect(behindAlb(req({}))).not.toBe(a);
  });
});
