import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag names a finding after the resource as it appears in the template, e.g.
 * `AwsSolutions-IAM5[Resource::<MediaBucket1234.Arn>/media/*]`. These helpers build the same text from
 * the constructs, so an acknowledgement follows a renamed resource instead of silently going stale.
 */
export function nagArnRef(resource: IConstruct): string {
  const element = (resource.node.defaultChild ?? resource) as CfnElement;
  return `<${Stack.of(element).getLogicalId(element)}.Arn>`;
}

/** A finding id for a wildcard resource, e.g. `iam5Resource('<X.Arn>/releases/*')`. */
export function iam5Resource(resource: string): string {
  return `AwsSolutions-IAM5[Resource::${resource}]`;
}

export function iam5Action(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

export function iam4Policy(policyPath: string): string {
  return `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyPath}]`;
}
