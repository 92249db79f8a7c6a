import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { BastionConfig } from '../config/bastion-config.js';
import type { WafRateRule } from '../config/rate-limits.js';
import { certificateFor } from '../constructs/certificate.js';
import { WAF_BLOCKS_PER_5_MINUTES } from '../constructs/alarms.js';
import { BastionWebAcl } from '../constructs/web-acl.js';

export interface EdgeStackProps extends StackProps {
  readonly config: BastionConfig;
  readonly mirroredRules: readonly WafRateRule[];
}

/** Name of the CloudFront WebACL; also the `WebACL` dimension of its metrics. */
export const EDGE_WEB_ACL_NAME = 'bastion-edge';

/**
 * What CloudFront requires to live in us-east-1 whatever Region the shop runs in: its WAF WebACL (scope
 * CLOUDFRONT) with the WAF log group and the key encrypting it, and its ACM certificate. The app stack
 * reads the WebACL and certificate ARNs through cross-Region references.
 */
export class EdgeStack extends Stack {
  readonly webAcl: BastionWebAcl;
  readonly certificate: acm.ICertificate;
  /** CloudWatch alarms must live in their metrics' Region: the edge WebACL's are in us-east-1, so is this topic. */
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config } = props;

    // Log groups can only use a key in their own Region, so the edge has its own logs key.
    const logsKey = new kms.Key(this, 'EdgeLogsKey', {
      alias: 'alias/bastion/edge-logs',
      description: 'Bastion WAF logs (us-east-1)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsUse',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` },
        },
      }),
    );

    this.webAcl = new BastionWebAcl(this, 'Waf', {
      scope: 'CLOUDFRONT',
      name: EDGE_WEB_ACL_NAME,
      anonymousIpList: config.anonymousIpList,
      perIpLimit: 2_000,
      mirroredRules: props.mirroredRules,
      logsKey,
    });

    // Alarms publish to the encrypted topic below; CloudWatch needs the key to do so.
    logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'EdgeAlarmTopic', { displayName: 'Bastion edge alarms', masterKey: logsKey, enforceSSL: true });
    if (config.alarmEmail !== undefined) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    const blocked = new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: EDGE_WEB_ACL_NAME, Rule: 'ALL' },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    const wafBlocks = blocked.createAlarm(this, 'WafBlocks', {
      alarmDescription: `The edge WebACL blocked more than ${WAF_BLOCKS_PER_5_MINUTES} requests in 5 minutes: an attack, or a rule blocking real customers`,
      threshold: WAF_BLOCKS_PER_5_MINUTES,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    wafBlocks.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    wafBlocks.addOkAction(new actions.SnsAction(this.alarmTopic));

    this.certificate = certificateFor(this, 'CloudFrontCertificate', {
      existingArn: config.cloudFrontCertificateArn,
      domainName: config.domainName,
      alternativeNames: [],
      hostedZoneId: config.hostedZoneId,
      zoneName: config.domainName,
    });
  }
}
