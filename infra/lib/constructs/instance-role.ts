import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { iam5Resource } from '../nag-ids.js';

/** Namespaces the instances may write metrics to: the app's EMF metrics and the agent's memory/disk. */
export const METRIC_NAMESPACES = ['Bastion', 'Bastion/System'] as const;

export interface InstanceRoleProps {
  readonly mediaBucket: s3.IBucket;
  readonly artifactBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
  readonly appKey: kms.IKey;
  readonly secrets: readonly secretsmanager.ISecret[];
  readonly logGroups: readonly logs.ILogGroup[];
  /** The CDN the app invalidates after catalog changes. */
  readonly distributionArn: string;
  /** The stack whose Auto Scaling group the instances signal when they are ready. */
  readonly signalStackName: string;
}

/**
 * The app instances' role, statement by statement: its bucket, its release tarballs, its keys (the data key
 * only through S3 and Secrets Manager), its secrets, its log groups, metrics in its namespaces, and what
 * Session Manager needs, CloudFront invalidation of its distribution, and the boot-complete signal to its
 * own stack. Every wildcard is acknowledged below with the reason it cannot be narrower.
 */
export class InstanceRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id);
    const { region, account, partition } = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Bastion app instances',
    });
    const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): void => {
      this.role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }));
    };

    allow('MediaObjects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [props.mediaBucket.arnForObjects('*')]);
    allow('MediaList', ['s3:ListBucket'], [props.mediaBucket.bucketArn]);
    allow('ReleaseTarballs', ['s3:GetObject'], [props.artifactBucket.arnForObjects('releases/*')]);
    allow('DataKeyViaS3AndSecrets', ['kms:Decrypt', 'kms:GenerateDataKey'], [props.dataKey.keyArn], {
      StringEquals: { 'kms:ViaService': [`s3.${region}.amazonaws.com`, `secretsmanager.${region}.amazonaws.com`] },
    });
    allow(
      'AppEnvelopeKey',
      ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
      [props.appKey.keyArn],
    );
    allow('ReadOwnSecrets', ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], props.secrets.map((s) => s.secretArn));
    allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], props.logGroups.map((g) => g.logGroupArn));
    allow('MetricsInOwnNamespaces', ['cloudwatch:PutMetricData'], ['*'], {
      StringEquals: { 'cloudwatch:namespace': [...METRIC_NAMESPACES] },
    });
    allow('SessionManagerRegistration', ['ssm:UpdateInstanceInformation'], [`arn:${partition}:ec2:${region}:${account}:instance/*`]);
    allow(
      'SessionManagerChannels',
      ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      ['*'],
    );
    allow('InvalidateOwnDistribution', ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'], [props.distributionArn]);
    const stackArn = `arn:${partition}:cloudformation:${region}:${account}:stack/${props.signalStackName}/*`;
    allow('SignalBootComplete', ['cloudformation:SignalResource'], [stackArn]);

    Validations.of(this.role).acknowledge(
      {
        id: iam5Resource(props.mediaBucket.arnForObjects('*')),
        reason: 'The app owns every object in its media bucket (public media/ and private uploads), and only that bucket.',
      },
      {
        id: iam5Resource(props.artifactBucket.arnForObjects('releases/*')),
        reason: 'Instances download release tarballs; the grant stops at the releases/ prefix and is read-only.',
      },
      {
        id: iam5Resource('*'),
        reason:
          'Two actions with no resource-level permissions in IAM: cloudwatch:PutMetricData (held to the Bastion namespaces by the cloudwatch:namespace condition) and the four ssmmessages channel actions Session Manager needs.',
      },
      {
        id: iam5Resource(`arn:${partition}:ec2:${region}:${account}:instance/*`),
        reason: 'ssm:UpdateInstanceInformation for the instance itself; Auto Scaling creates instances, so their ids are unknown when the policy is written.',
      },
      {
        id: iam5Resource(stackArn),
        reason: 'The stack id suffix is generated at creation; the grant names this stack and only cloudformation:SignalResource.',
      },
    );
  }
}
