import type { Template } from 'aws-cdk-lib/assertions';

export interface WebAclRuleJson {
  readonly Name: string;
  readonly Priority: number;
  readonly Statement: {
    readonly ManagedRuleGroupStatement?: { readonly Name: string; readonly VendorName: string };
    readonly RateBasedStatement?: {
      readonly Limit: number;
      readonly EvaluationWindowSec: number;
      readonly AggregateKeyType: string;
      readonly ScopeDownStatement?: { readonly ByteMatchStatement: { readonly SearchString: string } };
    };
  };
}

/** The rules of the one WebACL of the given scope in a template. */
export function webAclRules(template: Template, scope: 'CLOUDFRONT' | 'REGIONAL'): WebAclRuleJson[] {
  const acls = Object.values(template.findResources('AWS::WAFv2::WebACL')) as { Properties: { Scope: string; Rules: WebAclRuleJson[] } }[];
  const matching = acls.filter((acl) => acl.Properties.Scope === scope);
  if (matching.length !== 1) throw new Error(`expected one ${scope} WebACL, found ${matching.length}`);
  return matching[0]?.Properties.Rules ?? [];
}

export function managedGroups(rules: readonly WebAclRuleJson[]): string[] {
  return rules.flatMap((rule) => (rule.Statement.ManagedRuleGroupStatement ? [rule.Statement.ManagedRuleGroupStatement.Name] : []));
}
