import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { iam5Resource } from '../nag-ids.js';
import { APP_INSTANCE_TAG } from './instance-tags.js';

/** Namespaces the instances may write metrics to: the app's EMF metrics and the agent's memory/disk. */
export const METRIC_NAMESPACES = ['Bastion', 'Bastion/System'] as const;

export interface InstanceRoleProps {
  readonly mediaBucket: s3.IBucket;
  readonly artifactBucket: s3.IBucket;
  /** The one release tarball these instances install (`releases/bastion-<version>.tgz`). */
  readonly releaseKey: string;
  readonly dataKey: kms.IKey;
  readonly appKey: kms.IKey;
  readonly secrets: readonly secretsmanager.ISecret[];
  readonly logGroups: readonly logs.ILogGroup[];
  /** The CDN the app invalidates after catalog changes. */
  readonly distributionArn: string;
  /** The stack whose Auto Scaling group the instances signal when they are ready (its `AWS::StackId`). */
  readonly signalStackId: string;
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
    const { region } = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Bastion app instances',
    });
    const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): void => {
      this.role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }));
    };

    allow('MediaObjects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [props.mediaBucket.arnForObjects('*')]);
    allow('MediaList', ['s3:ListBucket'], [props.mediaBucket.bucketArn]);
    allow('ReleaseTarball', ['s3:GetObject'], [props.artifactBucket.arnForObjects(props.releaseKey)]);
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
    // Auto Scaling names instances, so the instance is matched by its tag rather than its id.
    allow('SessionManagerRegistration', ['ssm:UpdateInstanceInformation'], ['*'], {
      StringEquals: { [`ssm:resourceTag/${APP_INSTANCE_TAG.key}`]: APP_INSTANCE_TAG.value },
    });
    allow(
      'SessionManagerChannels',
      ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      ['*'],
    );
    allow('InvalidateOwnDistribution', ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'], [props.distributionArn]);
    allow('SignalBootComplete', ['cloudformation:SignalResource'], [props.signalStackId]);

    Validations.of(this.role).acknowledge(
      {
        id: iam5Resource(props.mediaBucket.arnForObjects('*')),
        reason: 'The app owns every object in its media bucket (public media/ and private uploads), and only that bucket.',
      },
      {
        id: iam5Resource('*'),
        reason:
          'Actions whose resources are unknown or untyped: cloudwatch:PutMetricData (no resource type; held to the Bastion namespaces by the cloudwatch:namespace condition), the four ssmmessages channel actions Session Manager needs (no resource type), and ssm:UpdateInstanceInformation for instances Auto Scaling names at launch (held to app instances by the ssm:resourceTag condition).',
      },
    );
  }
}
