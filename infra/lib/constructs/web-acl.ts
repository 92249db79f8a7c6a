import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { WafRateRule } from '../config/rate-limits.js';

export interface WebAclProps {
  /** CLOUDFRONT (must be created in us-east-1) or REGIONAL (the ALB, when Global Accelerator is on). */
  readonly scope: 'CLOUDFRONT' | 'REGIONAL';
  readonly anonymousIpList: boolean;
  /** Requests per client IP per 5 minutes across the whole site before WAF blocks that IP. */
  readonly perIpLimit: number;
  readonly mirroredRules: readonly WafRateRule[];
  readonly logsKey: kms.IKey;
  /** Short name used in metric names and the log group name. */
  readonly name: string;
}

/** WebACL capacity units of the AWS managed groups used here, as AWS documents them. */
const MANAGED_GROUP_WCU: Readonly<Record<string, number>> = {
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesAnonymousIpList: 50,
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  AWSManagedRulesSQLiRuleSet: 200,
};
/** A WebACL may use at most this many capacity units by default. */
export const WEB_ACL_WCU_LIMIT = 1_500;
/** Generous per-rule estimates for our own rules: a rate rule scoped by a lower-cased prefix match, a label/path rule. */
const RATE_RULE_WCU = 14;
const CUSTOM_RULE_WCU = 15;

/** Paths under which the back office accepts large request bodies (product image uploads). */
export const UPLOAD_PATH_PREFIX = '/admin/';

/**
 * The WebACL: AWS managed rule groups, a site-wide rate limit per IP, the app's own rate limits where WAF
 * can express them, and a block on operations endpoints the public must never reach. Logs go to an
 * encrypted log group, with cookies and the Authorization header redacted.
 */
export class BastionWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;
  /** Capacity units the rules need, estimated with the figures above. */
  readonly estimatedCapacity: number;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    let priority = 0;
    const next = (): number => priority++;
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.name}-${metricName}`,
      sampledRequestsEnabled: true,
    });

    // Operations endpoints (`/metrics`) are for the VPC only; the app also restricts them.
    rules.push({
      name: 'BlockOperationsPaths',
      priority: next(),
      action: { block: {} },
      statement: startsWith('/metrics'),
      visibilityConfig: visibility('BlockOperationsPaths'),
    });

    const managed = (name: string, excludeToCount: readonly string[] = []): void => {
      rules.push({
        name: `AWS-${name}`,
        priority: next(),
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            ruleActionOverrides: excludeToCount.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
          },
        },
        visibilityConfig: visibility(name),
      });
    };
    managed('AWSManagedRulesAmazonIpReputationList');
    if (props.anonymousIpList) managed('AWSManagedRulesAnonymousIpList');
    // The core set blocks bodies over 8 KB, which would stop image uploads; that one rule only counts
    // here and the rule after it blocks oversize bodies everywhere except the upload paths.
    managed('AWSManagedRulesCommonRuleSet', ['SizeRestrictions_BODY']);
    rules.push({
      name: 'BodySizeOutsideUploads',
      priority: next(),
      action: { block: {} },
      statement: {
        andStatement: {
          statements: [
            { labelMatchStatement: { scope: 'LABEL', key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } },
            { notStatement: { statement: startsWith(UPLOAD_PATH_PREFIX) } },
          ],
        },
      },
      visibilityConfig: visibility('BodySizeOutsideUploads'),
    });
    managed('AWSManagedRulesKnownBadInputsRuleSet');
    managed('AWSManagedRulesSQLiRuleSet');

    for (const rule of props.mirroredRules) {
      rules.push({
        name: `RateLimit-${rule.name}`,
        priority: next(),
        action: { block: { customResponse: { responseCode: 429 } } },
        statement: {
          rateBasedStatement: {
            limit: rule.limit,
            evaluationWindowSec: rule.windowSeconds,
            aggregateKeyType: 'IP',
            scopeDownStatement: rule.methods === undefined ? startsWith(rule.pathPrefix) : { andStatement: { statements: [startsWith(rule.pathPrefix), methodIn(rule.methods)] } },
          },
        },
        visibilityConfig: visibility(`RateLimit-${rule.name}`),
      });
    }
    rules.push({
      name: 'RateLimit-PerIp',
      priority: next(),
      action: { block: { customResponse: { responseCode: 429 } } },
      statement: { rateBasedStatement: { limit: props.perIpLimit, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
      visibilityConfig: visibility('RateLimit-PerIp'),
    });

    // Fail at synth rather than at deploy when the app's rate limits would overflow the WebACL.
    const capacity = rules.reduce((sum, rule) => {
      const group = rule.statement as wafv2.CfnWebACL.StatementProperty;
      const managedName = (group.managedRuleGroupStatement as wafv2.CfnWebACL.ManagedRuleGroupStatementProperty | undefined)?.name;
      if (managedName !== undefined) return sum + (MANAGED_GROUP_WCU[managedName] ?? 500);
      return sum + (group.rateBasedStatement ? RATE_RULE_WCU : CUSTOM_RULE_WCU);
    }, 0);
    if (capacity > WEB_ACL_WCU_LIMIT) {
      throw new Error(
        `WebACL ${props.name} would need about ${capacity} WCU (limit ${WEB_ACL_WCU_LIMIT}); mirror fewer rate limits or drop the anonymous IP list`,
      );
    }
    this.estimatedCapacity = capacity;

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      // Named, so dashboards in another Region can address its metrics (dimension `WebACL`) by a literal.
      name: props.name,
      scope: props.scope,
      defaultAction: { allow: {} },
      description: `Bastion ${props.scope === 'CLOUDFRONT' ? 'edge' : 'regional'} protection`,
      rules,
      visibilityConfig: visibility('WebAcl'),
    });

    // WAF requires the log group name to start with `aws-waf-logs-`.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${props.name}`,
      encryptionKey: props.logsKey,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the trailing `:*` that the CloudFormation attribute carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'cookie' } }, { singleHeader: { Name: 'authorization' } }],
    });
  }
}

/** The request's method is one of `methods`. */
function methodIn(methods: readonly string[]): wafv2.CfnWebACL.StatementProperty {
  const exactly = (method: string): wafv2.CfnWebACL.StatementProperty => ({
    byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: method, textTransformations: [{ priority: 0, type: 'NONE' }] },
  });
  return methods.length === 1 ? exactly(methods[0]!) : { orStatement: { statements: methods.map(exactly) } };
}

/** Case-insensitive "URI path starts with" match. */
function startsWith(prefix: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix.toLowerCase(),
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  };
}
