import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestIdFrom } from '../../src/http/request-id.js';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('request ids', () => {
  it('prefers X-Request-Id, then the ALB trace id', () => {
    expect(requestIdFrom(req({ 'x-request-id': 'abc-123', 'x-amzn-trace-id': 'Root=1-5f-8' }))).toBe('abc-123');
    expect(requestIdFrom(req({ 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678' }))).toBe('Root=1-67891233-abcdef012345678912345678');
  });

  it('replaces ids that could forge log lines or bloat them', () => {
    const id = requestIdFrom(req({ 'x-request-id': 'evil\n{"level":60}' }));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(req({ 'x-request-id': 'x'.repeat(500) }))).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('generates a UUID when none is given', () => {
    const a = requestIdFrom(req({}));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestIdFrom(req({}))).not.toBe(a);
  });
});
