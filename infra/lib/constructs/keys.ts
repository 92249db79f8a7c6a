import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TRAIL_NAME } from './audit-trail.js';

/**
 * The customer-managed keys. Three keys rather than one so a grant on one purpose never opens another:
 * the app may use its envelope key freely, but reaches the data key only through S3 and Secrets Manager,
 * and never touches the logs key.
 *
 * Key policies keep CDK's default "the account administers the key through IAM" statement (without it a
 * key can become unmanageable) and add only the service principals that must use each key.
 */
export class BastionKeys extends Construct {
  /** RDS storage, Performance Insights, media bucket, secrets, Redis at rest, backup vault. */
  readonly dataKey: kms.Key;
  /** The app's envelope encryption of personal data (`KEYS=aws-kms`, `KMS_KEY_ID`). */
  readonly appKey: kms.Key;
  /** CloudWatch Logs, CloudTrail, the alarm topic. */
  readonly logsKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { region, account, partition } = Stack.of(this);

    const common = {
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    };
    this.dataKey = new kms.Key(this, 'DataKey', { ...common, alias: 'alias/bastion/data', description: 'Bastion data at rest' });
    this.appKey = new kms.Key(this, 'AppKey', { ...common, alias: 'alias/bastion/app', description: 'Bastion app envelope encryption' });
    this.logsKey = new kms.Key(this, 'LogsKey', { ...common, alias: 'alias/bastion/logs', description: 'Bastion logs and audit trail' });

    // CloudWatch Logs encrypts log groups itself; the condition keeps the grant to this account's log groups.
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsUse',
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
        },
      }),
    );
    // Alarms publish to an encrypted SNS topic; CloudWatch needs the key to do so.
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    // CloudTrail encrypts log files itself and CDK adds nothing for it: without these two statements the
    // trail cannot be created. Conditions as AWS documents them: this trail, and this account's trails in
    // the encryption context.
    const trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${TRAIL_NAME}`;
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptLogs',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${account}:trail/*` },
        },
      }),
    );
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
    );
    // Auto Scaling publishes launch/terminate notifications to the encrypted alarm topic with its
    // service-linked role. The role may not exist yet in a new account, so it is named by condition
    // rather than as a principal (a key policy naming a missing principal is refused).
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AutoScalingNotifications',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `sns.${region}.amazonaws.com` },
          ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` },
        },
      }),
    );
    // EventBridge delivers GuardDuty and Security Hub findings to the same topic.
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeFindings',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    // CloudFront (Origin Access Control) decrypts media objects. The distribution lives in the app stack,
    // which depends on this one, so the condition names the account's distributions rather than one id.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontOacReadMedia',
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudfront::${account}:distribution/*` } },
      }),
    );
  }
}
