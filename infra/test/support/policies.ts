import type { Template } from 'aws-cdk-lib/assertions';

export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** Statements of the inline policies attached to the role whose logical id starts with `rolePrefix`. */
export function inlineStatements(template: Template, rolePrefix: string): PolicyStatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles?: { Ref: string }[]; PolicyDocument: { Statement: PolicyStatementJson[] } } }
  >;
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles ?? []).some((role) => role.Ref.startsWith(rolePrefix)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** A resource element as text: literals as they are, intrinsics as JSON (so `*` inside them shows). */
export function resourceText(resource: unknown): string {
  return typeof resource === 'string' ? resource : JSON.stringify(resource);
}
