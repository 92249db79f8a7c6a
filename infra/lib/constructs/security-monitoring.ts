import { Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { Construct } from 'constructs';

/** Namespace of the metrics the CloudTrail and app-log metric filters publish; the app stack alarms on them. */
export const SECURITY_METRICS_NAMESPACE = 'Bastion/Security';

/**
 * CloudTrail events an operator must hear about at once, as CloudWatch Logs filter patterns over the trail's
 * log group (the CIS AWS Foundations benchmark's monitoring controls, in the form AWS documents them).
 */
export const TRAIL_METRIC_FILTERS = {
  RootSignIn: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  IamPolicyChange:
    '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ' +
    '($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ' +
    '($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ' +
    '($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ' +
    '($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ' +
    '($.eventName = DetachGroupPolicy) }',
  KmsKeyDisabledOrScheduledForDeletion:
    '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
  ConsoleSignInWithoutMfa:
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ' +
    '($.responseElements.ConsoleLogin = "Success") }',
  SecurityGroupChange:
    '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ' +
    '($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ' +
    '($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }',
} as const;

export type TrailMetricName = keyof typeof TRAIL_METRIC_FILTERS;

/** Metric the app-log filter publishes: one per `auth failure` line the app logs (`authEvent = auth.failure`). */
export const AUTH_FAILURES_METRIC = 'AuthFailures';

export interface SecurityMonitoringProps {
  /** The CloudTrail trail's log group (CloudTrail → CloudWatch Logs). */
  readonly trailLogGroup: logs.ILogGroup;
  /** The app's JSON log group, for the failed sign-in count. */
  readonly appLogGroup: logs.ILogGroup;
  /** Bucket AWS Config delivers its snapshots and history to (SSE-S3: Config writes with its service-linked role). */
  readonly configBucket: s3.Bucket;
  /**
   * Turn on the account/Region services (GuardDuty, Security Hub, AWS Config). Off where an organization's
   * delegated administrator already manages them: each exists once per account and Region.
   */
  readonly accountServices: boolean;
}

/**
 * Detection for the account: GuardDuty (threats, with EC2 runtime monitoring and RDS login events), Security
 * Hub with AWS Foundational Security Best Practices, AWS Config recording every resource (FSBP needs it), a
 * Config rule that fails while Amazon Inspector's EC2 scanning is off (Inspector has no CloudFormation
 * resource to enable it; the release pipeline's bootstrap step does, see docs/deploy-aws.md), and metric
 * filters that turn CloudTrail events and the app's failed sign-ins into metrics the app stack alarms on.
 */
export class SecurityMonitoring extends Construct {
  readonly trailFilters: logs.MetricFilter[] = [];

  constructor(scope: Construct, id: string, props: SecurityMonitoringProps) {
    super(scope, id);
    const { account, partition, region } = Stack.of(this);

    for (const [name, pattern] of Object.entries(TRAIL_METRIC_FILTERS)) {
      this.trailFilters.push(
        new logs.MetricFilter(this, `Trail-${name}`, {
          logGroup: props.trailLogGroup,
          filterPattern: logs.FilterPattern.literal(pattern),
          metricNamespace: SECURITY_METRICS_NAMESPACE,
          metricName: name,
          metricValue: '1',
        }),
      );
    }
    new logs.MetricFilter(this, 'AppAuthFailures', {
      logGroup: props.appLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.authEvent', '=', 'auth.failure'),
      metricNamespace: SECURITY_METRICS_NAMESPACE,
      metricName: AUTH_FAILURES_METRIC,
      metricValue: '1',
    });

    if (!props.accountServices) return;

    new guardduty.CfnDetector(this, 'GuardDuty', {
      enable: true,
      findingPublishingFrequency: 'FIFTEEN_MINUTES',
      features: [
        { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
        { name: 'EBS_MALWARE_PROTECTION', status: 'ENABLED' },
        { name: 'RDS_LOGIN_EVENTS', status: 'ENABLED' },
        {
          name: 'RUNTIME_MONITORING',
          status: 'ENABLED',
          additionalConfiguration: [{ name: 'EC2_AGENT_MANAGEMENT', status: 'ENABLED' }],
        },
      ],
    });

    // Config writes with its service-linked role (created once per account by the pipeline's bootstrap
    // step), so no role and no managed policy of ours is involved.
    const configRoleArn = `arn:${partition}:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
    props.configBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConfigBucketCheck',
        principals: [new iam.ServicePrincipal('config.amazonaws.com')],
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [props.configBucket.bucketArn],
        conditions: { StringEquals: { 'AWS:SourceAccount': account } },
      }),
    );
    props.configBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConfigDelivery',
        principals: [new iam.ServicePrincipal('config.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [props.configBucket.arnForObjects(`config/AWSLogs/${account}/Config/*`)],
        conditions: { StringEquals: { 'AWS:SourceAccount': account, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    const recorder = new config.CfnConfigurationRecorder(this, 'ConfigRecorder', {
      roleArn: configRoleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    const channel = new config.CfnDeliveryChannel(this, 'ConfigDelivery', {
      s3BucketName: props.configBucket.bucketName,
      s3KeyPrefix: 'config',
      configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
    });
    const inspectorRule = new config.CfnConfigRule(this, 'InspectorEc2ScanEnabled', {
      description: 'Amazon Inspector scans the app instances (EC2 and their packages)',
      source: { owner: 'AWS', sourceIdentifier: 'INSPECTOR_EC2_SCAN_ENABLED' },
      maximumExecutionFrequency: 'TwentyFour_Hours',
    });
    inspectorRule.addResourceDependency(recorder);
    inspectorRule.addResourceDependency(channel);

    const hub = new securityhub.CfnHub(this, 'SecurityHub', {
      enableDefaultStandards: false,
      controlFindingGenerator: 'SECURITY_CONTROL',
      autoEnableControls: true,
    });
    const fsbp = new securityhub.CfnStandard(this, 'FoundationalBestPractices', {
      standardsArn: `arn:${partition}:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
    });
    fsbp.addResourceDependency(hub);
  }
}
