/**
 * cdk-nag names a finding after the resource as it appears in the template, e.g.
 * `AwsSolutions-IAM5[Resource::arn:aws:s3:::bastion-media-…/*]`. Building the id from the same values the
 * policy uses keeps an acknowledgement attached to its statement when an account or Region changes.
 */

/** A finding id for a wildcard resource, e.g. `iam5Resource('arn:aws:s3:::bucket/releases/*')`. */
export function iam5Resource(resource: string): string {
  return `AwsSolutions-IAM5[Resource::${resource}]`;
}

/** A finding id for an AWS managed policy, e.g. `iam4Policy('job-function/ViewOnlyAccess')`. */
export function iam4Policy(policyPath: string): string {
  return `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyPath}]`;
}
