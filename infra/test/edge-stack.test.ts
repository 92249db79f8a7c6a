import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadRateLimitRules, mirrorRateLimits } from '../lib/config/rate-limits.js';
import { INFRA_DIR, synthBastion, type SynthesizedBastion } from './support/synth.js';
import { managedGroups, webAclRules } from './support/web-acl.js';

let bastion: SynthesizedBastion;
beforeAll(() => {
  bastion = synthBastion();
});

describe('edge stack', () => {
  it('lives in us-east-1, where CloudFront requires its WebACL and certificate', () => {
    expect(bastion.edge.region).toBe('us-east-1');
    expect(bastion.edge.account).toBe('123456789012');
  });

  it('has a CLOUDFRONT WebACL with the AWS managed groups and a per-IP rate limit', () => {
    const rules = webAclRules(bastion.templates.edge, 'CLOUDFRONT');
    expect(managedGroups(rules)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
    ]);
    const perIp = rules.find((rule) => rule.Name === 'RateLimit-PerIp');
    expect(perIp?.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
    expect(new Set(rules.map((rule) => rule.Priority)).size).toBe(rules.length);
  });

  it('mirrors the rate limits of config/rate-limits.json (or the built-in set when it is absent)', () => {
    const expected = mirrorRateLimits(loadRateLimitRules(resolve(INFRA_DIR, '../config/rate-limits.json')).rules).mirrored;
    expect(expected.length).toBeGreaterThan(0);
    const names = webAclRules(bastion.templates.edge, 'CLOUDFRONT').map((rule) => rule.Name);
    for (const rule of expected) expect(names).toContain(`RateLimit-${rule.name}`);
  });

  it('keeps the body-size check of the core rules for everything but uploads', () => {
    const rules = webAclRules(bastion.templates.edge, 'CLOUDFRONT');
    expect(rules.map((rule) => rule.Name)).toContain('BodySizeOutsideUploads');
    bastion.templates.edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'AWS-AWSManagedRulesCommonRuleSet',
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
      ]),
    });
  });

  it('logs WAF decisions to an encrypted log group with cookies and Authorization redacted', () => {
    const t = bastion.templates.edge;
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-bastion-edge', KmsKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'cookie' } }, { SingleHeader: { Name: 'authorization' } }],
    });
  });

  it('requests the CloudFront certificate for the shop domain with DNS validation', () => {
    bastion.templates.edge.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'shop.example.com',
      ValidationMethod: 'DNS',
    });
  });
});
