import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthBastion, type SynthesizedBastion } from './support/synth.js';

/** Every acknowledgement recorded in the tree: rule id and reason. */
function acknowledgements(root: IConstruct): { id: string; reason: string; path: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ id, reason, path: construct.node.path })),
      ),
  );
}

/**
 * The most acknowledgements each variant may carry (CDK's own two on the VPC flow log included). Lower it
 * when one goes away; raising it needs a reason in review. Before the operations work: 24 and 25.
 */
const ACKNOWLEDGEMENT_BUDGET = { default: 21, 'every option on': 23 } as const;

describe.each([
  ['default', {}],
  [
    'every option on',
    {
      'bastion:globalAccelerator': 'true',
      'bastion:anonymousIpList': 'true',
      'bastion:hostedZoneId': 'Z0000000000000000000',
      'bastion:sesVerified': 'true',
      'bastion:backupVaultLock': 'compliance',
      'bastion:repository': 'example/bastion',
      'bastion:connectionArn': 'arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-0000-4000-8000-000000000000',
    },
  ],
] as const)('cdk-nag AwsSolutions (%s)', (name, overrides) => {
  let bastion: SynthesizedBastion;
  beforeAll(() => {
    // Synthesis itself fails on an unacknowledged finding; the explicit check below says which one.
    bastion = synthBastion({ ...overrides });
  });

  it('reports no unacknowledged error or warning on any stack', () => {
    const report = new AwsSolutionsChecks().validateScope(bastion.cdkApp);
    const findings = report.violations.map(
      (violation) => `${violation.severity ?? '?'} ${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('stays within the acknowledgement budget', () => {
    expect(acknowledgements(bastion.cdkApp).length).toBeLessThanOrEqual(ACKNOWLEDGEMENT_BUDGET[name]);
  });

  it('no longer acknowledges staff without MFA (COG2 on a pool with staff groups) or an unrotated Redis token (SMG4)', () => {
    const acks = acknowledgements(bastion.cdkApp);
    expect(acks.filter((ack) => ack.id.endsWith('AwsSolutions-COG2')).map((ack) => ack.path)).toEqual(['BastionStateful/Users/UserPool']);
    expect(acks.filter((ack) => ack.id.endsWith('AwsSolutions-SMG4')).map((ack) => ack.path)).toEqual(['BastionStateful/AppSecrets/Secret']);
  });

  it('gives every acknowledgement a reason a reviewer can weigh', () => {
    const acks = acknowledgements(bastion.cdkApp);
    expect(acks.length).toBeGreaterThan(10);
    for (const ack of acks) expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(60);
  });
});
