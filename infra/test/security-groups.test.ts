import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

interface IngressRule {
  readonly CidrIp?: string;
  readonly CidrIpv6?: string;
  readonly SourceSecurityGroupId?: unknown;
  readonly FromPort?: number;
  readonly ToPort?: number;
}

/** Every ingress rule of the security group whose description starts with `description`. */
function ingressOf(template: Template, description: string): IngressRule[] {
  const groups = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).filter(([, group]) =>
    String(group.Properties?.['GroupDescription']).startsWith(description),
  );
  expect(groups, description).toHaveLength(1);
  const [logicalId, group] = groups[0] ?? ['', {}];
  const inline = (group.Properties?.['SecurityGroupIngress'] ?? []) as IngressRule[];
  const separate = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress'))
    .filter((rule) => JSON.stringify(rule.Properties?.['GroupId']).includes(`"${logicalId}"`))
    .map((rule) => rule.Properties as IngressRule);
  return [...inline, ...separate];
}

function opensToTheWorld(rule: IngressRule): boolean {
  return rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0';
}

describe.each([
  ['default', {}],
  ['with Global Accelerator', { 'bastion:globalAccelerator': 'true' }],
])('security groups (%s)', (_name, overrides) => {
  let bastion: SynthesizedBastion;
  beforeAll(() => {
    bastion = synthBastion(overrides);
  });

  it('admit nothing from the internet to the app, database or Redis', () => {
    for (const group of ['Bastion app instances', 'Bastion RDS', 'Bastion Redis']) {
      const rules = ingressOf(bastion.templates.stateful, group);
      expect(rules.length, group).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(opensToTheWorld(rule), group).toBe(false);
        expect(rule.SourceSecurityGroupId, group).toBeDefined();
      }
    }
  });

  it('admit only the ALB to the app port, and only app (and rotation) to 5432 and 6379', () => {
    const app = ingressOf(bastion.templates.stateful, 'Bastion app instances');
    expect(app.map((rule) => rule.FromPort)).toEqual([3000]);
    expect(ingressOf(bastion.templates.stateful, 'Bastion RDS').every((rule) => rule.FromPort === 5432)).toBe(true);
    expect(ingressOf(bastion.templates.stateful, 'Bastion Redis').map((rule) => rule.FromPort)).toEqual([6379]);
  });

  it('open the ALB to the world only when Global Accelerator is on', () => {
    const alb = ingressOf(bastion.templates.stateful, 'Bastion ALB');
    const world = alb.filter(opensToTheWorld);
    if (bastion.config.globalAccelerator) {
      expect(world.map((rule) => rule.FromPort)).toEqual([443]);
    } else {
      expect(world).toEqual([]);
      expect(alb.every((rule) => rule.CidrIp === '10.40.0.0/16')).toBe(true);
    }
  });
});
