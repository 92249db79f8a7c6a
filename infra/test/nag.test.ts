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

describe.each([
  ['default', {}],
  ['every option on', { 'bastion:globalAccelerator': 'true', 'bastion:anonymousIpList': 'true', 'bastion:hostedZoneId': 'Z0000000000000000000' }],
])('cdk-nag AwsSolutions (%s)', (_name, overrides) => {
  let bastion: SynthesizedBastion;
  beforeAll(() => {
    // Synthesis itself fails on an unacknowledged finding; the explicit check below says which one.
    bastion = synthBastion(overrides);
  });

  it('reports no unacknowledged error or warning on any stack', () => {
    const report = new AwsSolutionsChecks().validateScope(bastion.cdkApp);
    const findings = report.violations.map(
      (violation) => `${violation.severity ?? '?'} ${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('gives every acknowledgement a reason a reviewer can weigh', () => {
    const acks = acknowledgements(bastion.cdkApp);
    expect(acks.length).toBeGreaterThan(10);
    for (const ack of acks) expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(60);
  });
});
