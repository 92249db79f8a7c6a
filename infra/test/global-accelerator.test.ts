import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { managedGroups, webAclRules } from './support/web-acl.js';
import { resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

let bastion: SynthesizedBastion;
beforeAll(() => {
  bastion = synthBastion({
    'bastion:globalAccelerator': 'true',
    'bastion:anonymousIpList': 'true',
    'bastion:hostedZoneId': 'Z0000000000000000000',
    'bastion:alarmEmail': 'ops@example.com',
    'bastion:size': 'medium',
    'bastion:azCount': '3',
  });
});

describe('with Global Accelerator, the anonymous IP list, a hosted zone and 3 AZs', () => {
  it('puts an accelerator in front of the ALB that keeps client IPs', () => {
    const t = bastion.templates.app;
    t.resourceCountIs('AWS::GlobalAccelerator::Accelerator', 1);
    t.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', {
      EndpointConfigurations: [Match.objectLike({ ClientIPPreservationEnabled: true })],
    });
  });

  it('protects the accelerator path with a regional WebACL on the ALB', () => {
    const t = bastion.templates.app;
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    expect(managedGroups(webAclRules(t, 'REGIONAL'))).toContain('AWSManagedRulesCommonRuleSet');
  });

  it('keeps both WebACLs within WAF\'s default capacity with every rule on', () => {
    expect(bastion.edge.webAcl.estimatedCapacity).toBeLessThanOrEqual(1_500);
    expect(bastion.app.accelerator?.webAcl.estimatedCapacity).toBeLessThanOrEqual(1_500);
  });

  it('adds the anonymous IP list to both WebACLs', () => {
    expect(managedGroups(webAclRules(bastion.templates.edge, 'CLOUDFRONT'))).toContain('AWSManagedRulesAnonymousIpList');
    expect(managedGroups(webAclRules(bastion.templates.app, 'REGIONAL'))).toContain('AWSManagedRulesAnonymousIpList');
  });

  it('validates certificates in the hosted zone and points the domain at CloudFront', () => {
    bastion.templates.edge.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainValidationOptions: [{ DomainName: 'shop.example.com', HostedZoneId: 'Z0000000000000000000' }],
    });
    bastion.templates.app.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'shop.example.com.', Type: 'AAAA' });
    bastion.templates.app.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'global.shop.example.com.', Type: 'A' });
  });

  it('subscribes the alarm email and spreads subnets and NAT gateways over 3 AZs', () => {
    bastion.templates.app.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    bastion.templates.stateful.resourceCountIs('AWS::EC2::Subnet', 9);
    bastion.templates.stateful.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  it('uses the medium size preset', () => {
    bastion.templates.app.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ InstanceType: 't4g.medium' }),
    });
    bastion.templates.stateful.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.m7g.large' });
    expect(Object.keys(resourcesOf(bastion.templates.app, 'AWS::EC2::LaunchTemplate'))).toHaveLength(1);
  });
});
