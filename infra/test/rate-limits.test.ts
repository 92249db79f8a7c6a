import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../lib/config/bastion-config.js';
import {
  DEFAULT_RATE_LIMIT_RULES,
  loadRateLimitRules,
  mirrorRateLimits,
  WAF_MIN_RATE_LIMIT,
} from '../lib/config/rate-limits.js';
import { addNagChecks } from '../lib/nag.js';
import { EdgeStack } from '../lib/stacks/edge-stack.js';
import { newApp } from './support/synth.js';
import { webAclRules } from './support/web-acl.js';

function writeRules(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bastion-rate-')), 'rate-limits.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const APP_RULES = {
  rules: [
    { name: 'auth', pathPrefix: '/account/sign-in', limit: 10, windowSeconds: 60 },
    { name: 'search', pathPrefix: '/Search', limit: 300, windowSeconds: 120 },
    { name: 'reset', pathPrefix: '/account/reset', limit: 3, windowSeconds: 600 },
    { name: 'daily-sign-up', pathPrefix: '/account/sign-up', limit: 20, windowSeconds: 86_400 },
  ],
};

describe('rate-limit rules', () => {
  it('fall back to the built-in set when the app has no file', () => {
    const source = loadRateLimitRules('/nonexistent/config/rate-limits.json');
    expect(source.origin).toBe('built-in');
    expect(source.rules).toBe(DEFAULT_RATE_LIMIT_RULES);
    expect(mirrorRateLimits(source.rules).skipped).toEqual([]);
  });

  it('are read from the app file when it exists', () => {
    const path = writeRules(APP_RULES);
    const source = loadRateLimitRules(path);
    expect(source.origin).toBe(path);
    expect(source.rules.map((rule) => rule.name)).toEqual(['auth', 'search', 'reset', 'daily-sign-up']);
  });

  it('mirror only windows WAF supports, raise limits to the WAF floor and lower-case the prefix', () => {
    const { mirrored, skipped } = mirrorRateLimits(APP_RULES.rules);
    expect(mirrored).toEqual([
      { name: 'auth', pathPrefix: '/account/sign-in', limit: 10, windowSeconds: 60 },
      { name: 'search', pathPrefix: '/search', limit: 300, windowSeconds: 120 },
      { name: 'reset', pathPrefix: '/account/reset', limit: WAF_MIN_RATE_LIMIT, windowSeconds: 600 },
    ]);
    expect(skipped.map((rule) => rule.name)).toEqual(['daily-sign-up']);
  });

  it('reject a file that exists but is malformed, naming the problem', () => {
    expect(() => loadRateLimitRules(writeRules('{ not json'))).toThrow(/not valid JSON/);
    expect(() => loadRateLimitRules(writeRules({ limits: [] }))).toThrow(/"rules" array/);
    expect(() => loadRateLimitRules(writeRules({ rules: [{ name: 'x', pathPrefix: 'nope', limit: 1, windowSeconds: 60 }] }))).toThrow(
      /rules\[0\]\.pathPrefix/,
    );
    expect(() => loadRateLimitRules(writeRules({ rules: [{ name: 'x', pathPrefix: '/x', limit: 0, windowSeconds: 60 }] }))).toThrow(
      /rules\[0\]\.limit/,
    );
  });

  /** Synthesizes the edge stack alone (it is small) with the rules read from `path`. */
  function edgeRules(path: string) {
    const app = newApp();
    const config = readConfig((key) => app.node.tryGetContext(key));
    const edge = new EdgeStack(app, 'Edge', {
      env: { account: config.account, region: 'us-east-1' },
      config,
      mirroredRules: mirrorRateLimits(loadRateLimitRules(path).rules).mirrored,
    });
    addNagChecks(app);
    return webAclRules(Template.fromStack(edge), 'CLOUDFRONT');
  }

  it('put the built-in set in the CloudFront WebACL when the app file is absent', () => {
    const names = edgeRules('/nonexistent/rate-limits.json').map((rule) => rule.Name);
    for (const rule of DEFAULT_RATE_LIMIT_RULES) expect(names).toContain(`RateLimit-${rule.name}`);
  });

  it('fail the synth when so many are mirrored that the WebACL would overflow its capacity', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `r${i}`, pathPrefix: `/p${i}`, limit: 100, windowSeconds: 60 }));
    expect(() => edgeRules(writeRules({ rules: many }))).toThrow(/WCU/);
  });

  it('become scoped-down rate-based rules in the CloudFront WebACL', () => {
    const rules = edgeRules(writeRules(APP_RULES));
    const search = rules.find((rule) => rule.Name === 'RateLimit-search');
    expect(search?.Statement.RateBasedStatement).toMatchObject({
      Limit: 300,
      EvaluationWindowSec: 120,
      AggregateKeyType: 'IP',
      ScopeDownStatement: { ByteMatchStatement: { SearchString: '/search' } },
    });
    expect(rules.some((rule) => rule.Name === 'RateLimit-daily-sign-up')).toBe(false);
    // A form's rule counts its posts only, at the edge as in the app.
    const form = edgeRules(writeRules({ rules: [{ name: 'reset', pathPrefix: '/account/reset', limit: 10, windowSeconds: 600, methods: ['POST'] }] })).find((rule) => rule.Name === 'RateLimit-reset');
    expect(form?.Statement.RateBasedStatement?.ScopeDownStatement).toMatchObject({
      AndStatement: { Statements: [{ ByteMatchStatement: { SearchString: '/account/reset' } }, { ByteMatchStatement: { FieldToMatch: { Method: {} }, PositionalConstraint: 'EXACTLY', SearchString: 'POST' } }] },
    });
    expect(rules.some((rule) => rule.Name === 'RateLimit-account-sign-in')).toBe(false);
  });
});
