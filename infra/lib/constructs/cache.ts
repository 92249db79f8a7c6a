import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { iam5Resource } from '../nag-ids.js';

/** Days between AUTH token rotations; app instances live at most MAX_INSTANCE_LIFETIME_DAYS, well within two. */
export const REDIS_TOKEN_ROTATION_DAYS = 30;

export interface CacheProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly encryptionKey: kms.IKey;
  /** Encrypts the rotation function's log group. */
  readonly logsKey: kms.IKey;
  readonly nodeType: string;
}

/**
 * ElastiCache for Redis (`REDIS_URL`): sessions, rate-limit counters and cache shared by all instances.
 * A primary and a replica in different AZs with automatic failover; TLS in transit, the data key at
 * rest, and an AUTH token kept in Secrets Manager and rotated every 30 days by the function below.
 */
export class Cache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authToken: secretsmanager.Secret;
  readonly port = 6379;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);

    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'Bastion Redis AUTH token',
      encryptionKey: props.encryptionKey,
      // Redis AUTH tokens allow printable ASCII without spaces, quotes, / or @; letters and digits are safe.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'Bastion Redis in isolated subnets',
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'Bastion sessions, rate limits and cache',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: props.nodeType,
      numCacheClusters: 2,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      port: this.port,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [props.securityGroup.securityGroupId],
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey.keyArn,
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: 1,
      snapshotWindow: '03:00-04:00',
      preferredMaintenanceWindow: 'sun:04:30-sun:05:30',
    });

    this.addRotation(props.encryptionKey, props.logsKey);

    Validations.of(this.replicationGroup).acknowledge({
      id: 'AwsSolutions-AEC5',
      reason:
        'Redis keeps its standard port 6379: the group sits in isolated subnets and admits only the app security group, and clients must present TLS and the AUTH token.',
    });
  }

  /**
   * Rotation without a stored procedure: Secrets Manager calls this function through its four steps.
   * `setSecret` adds the new token with ElastiCache's ROTATE strategy, so the previous token stays valid
   * and running processes keep their connections; processes read the new token when they start, and an
   * instance lives at most 14 days (app-fleet.ts), so nothing still holds the token that the next
   * rotation's ROTATE retires.
   */
  private addRotation(encryptionKey: kms.IKey, logsKey: kms.IKey): void {
    const { region, account, partition } = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'RotationLogs', { encryptionKey: logsKey, retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.RETAIN });
    const role = new iam.Role(this, 'RotationRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Bastion Redis AUTH token rotation',
    });
    const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): void => {
      role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }));
    };
    allow('TokenSecret', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], [this.authToken.secretArn]);
    allow('TokenKey', ['kms:Decrypt', 'kms:GenerateDataKey'], [encryptionKey.keyArn], { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } });
    allow('RotateGroupToken', ['elasticache:ModifyReplicationGroup', 'elasticache:DescribeReplicationGroups'], [
      `arn:${partition}:elasticache:${region}:${account}:replicationgroup:${this.replicationGroup.ref}`,
    ]);
    allow('RotationLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]);

    const fn = new lambda.Function(this, 'RotationFunction', {
      description: 'Rotates the Bastion Redis AUTH token (ElastiCache ROTATE strategy)',
      runtime: lambda.Runtime.NODEJS_LATEST,
      handler: 'index.handler',
      code: lambda.Code.fromInline(ROTATION_CODE),
      role: role.withoutPolicyUpdates(),
      logGroup,
      timeout: Duration.minutes(15),
      environment: { REPLICATION_GROUP_ID: this.replicationGroup.ref },
    });
    this.authToken.addRotationSchedule('Rotation', { rotationLambda: fn, automaticallyAfter: Duration.days(REDIS_TOKEN_ROTATION_DAYS) });

    Validations.of(role).acknowledge(
      {
        id: iam5Resource(`<${Stack.of(this).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>`),
        reason: 'The rotation function writes a log stream per invocation, named by Lambda; the grant stops at its own log group.',
      },
    );
  }
}

/** The rotation function (Node.js, AWS SDK v3 from the Lambda runtime); its steps follow Secrets Manager's rotation protocol. */
const ROTATION_CODE = String.raw`
const { SecretsManagerClient, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } = require('@aws-sdk/client-secrets-manager');
const { ElastiCacheClient, ModifyReplicationGroupCommand, DescribeReplicationGroupsCommand } = require('@aws-sdk/client-elasticache');
const sm = new SecretsManagerClient({});
const ec = new ElastiCacheClient({});
const group = process.env.REPLICATION_GROUP_ID;
const available = async () => (await ec.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: group }))).ReplicationGroups[0].Status === 'available';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
exports.handler = async ({ SecretId, ClientRequestToken, Step }) => {
  const meta = await sm.send(new DescribeSecretCommand({ SecretId }));
  const stages = (meta.VersionIdsToStages || {})[ClientRequestToken] || [];
  if (stages.includes('AWSCURRENT')) return;
  if (!stages.includes('AWSPENDING')) throw new Error('version ' + ClientRequestToken + ' is not pending');
  if (Step === 'createSecret') {
    try {
      await sm.send(new GetSecretValueCommand({ SecretId, VersionId: ClientRequestToken, VersionStage: 'AWSPENDING' }));
    } catch {
      // 48 random bytes as base64url: 64 characters, all allowed in a Redis AUTH token.
      const token = require('node:crypto').randomBytes(48).toString('base64url');
      await sm.send(new PutSecretValueCommand({ SecretId, ClientRequestToken, SecretString: token, VersionStages: ['AWSPENDING'] }));
    }
  } else if (Step === 'setSecret') {
    while (!(await available())) await sleep(15000);
    const pending = (await sm.send(new GetSecretValueCommand({ SecretId, VersionId: ClientRequestToken, VersionStage: 'AWSPENDING' }))).SecretString;
    await ec.send(new ModifyReplicationGroupCommand({ ReplicationGroupId: group, AuthToken: pending, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true }));
  } else if (Step === 'testSecret') {
    while (!(await available())) await sleep(15000);
  } else if (Step === 'finishSecret') {
    const current = Object.entries(meta.VersionIdsToStages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: ClientRequestToken, RemoveFromVersionId: current }));
  } else {
    throw new Error('unknown step ' + Step);
  }
};
`;
