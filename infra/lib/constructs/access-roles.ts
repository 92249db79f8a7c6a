import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { iam4Policy, iam5Resource } from '../nag-ids.js';
import { artifactBucketName } from './artifact-bucket.js';
import { APP_INSTANCE_TAG } from './instance-tags.js';

export interface AccessRolesProps {
  readonly artifactBucket: s3.IBucket;
  /** Regions the CDK app deploys to (its own, us-east-1 for the edge, the backup copy Region): bootstrapped each. */
  readonly deployRegions: readonly string[];
}

/** `npm run` tasks an operator may run on an app instance through Session Manager, and nothing else. */
export const INSTANCE_TASKS = ['admin:create', 'keys:rotate', 'audit:verify', 'advisor'] as const;

/** Name of the Session Manager document that runs one of INSTANCE_TASKS as the `bastion` user. */
export const TASK_DOCUMENT_NAME = 'Bastion-RunTask';

/** The CDK bootstrap roles the deploy role may assume: never the CloudFormation execution role itself. */
export const BOOTSTRAP_ROLE_PURPOSES = ['deploy-role', 'file-publishing-role', 'lookup-role'] as const;

/**
 * Human and CI access, separate from the instances' own role:
 *
 * - `DeployRole` publishes release tarballs, deploys through the roles `cdk bootstrap` created (the deploy,
 *   file-publishing and lookup roles by name, never the CloudFormation execution role directly), and runs
 *   the `Bastion-RunTask` Session Manager document on app instances: one of INSTANCE_TASKS as the
 *   unprivileged `bastion` user, never a shell and never root. It holds no data permission of its own.
 * - `OperatorRole` is read-only: it sees configuration and metrics but cannot read objects, secrets or
 *   change anything.
 *
 * Both trust principals of this account that hold MFA; the account's own IAM decides who may assume them.
 */
export class AccessRoles extends Construct {
  readonly deployRole: iam.Role;
  readonly operatorRole: iam.Role;

  constructor(scope: Construct, id: string, props: AccessRolesProps) {
    super(scope, id);
    const { account, partition, region } = Stack.of(this);
    // The literal ARN (the bucket name is fixed) keeps the policy readable and its nag finding id stable.
    const releases = `arn:${partition}:s3:::${artifactBucketName(account, region)}/releases/*`;
    const trustWithMfa = new iam.AccountPrincipal(account).withConditions({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    });

    this.deployRole = new iam.Role(this, 'DeployRole', {
      assumedBy: trustWithMfa,
      description: 'Bastion deploy: publish releases, cdk deploy via bootstrap roles, Session Manager to app instances',
      maxSessionDuration: Duration.hours(2),
    });
    // `cdk bootstrap` names its roles cdk-<qualifier>-<purpose>-<account>-<region>, one set per Region. The
    // execution role (cfn-exec-role) is left out: only CloudFormation assumes it, on a deploy's behalf.
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkBootstrapRoles',
        actions: ['sts:AssumeRole'],
        resources: [...new Set(props.deployRegions)].flatMap((deployRegion) =>
          BOOTSTRAP_ROLE_PURPOSES.map((purpose) => `arn:${partition}:iam::${account}:role/cdk-hnb659fds-${purpose}-${account}-${deployRegion}`),
        ),
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PublishReleases',
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [releases],
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListReleases',
        actions: ['s3:ListBucket'],
        resources: [props.artifactBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['releases/*'] } },
      }),
    );
    // A fixed command with checked parameters, run as ssm-user, whose sudo rule (user-data.ts) allows only
    // `sudo -u bastion /opt/bastion/bin/with-env`: no interactive shell, no root.
    const taskDocument = new ssm.CfnDocument(this, 'RunTaskDocument', {
      name: TASK_DOCUMENT_NAME,
      documentType: 'Session',
      documentFormat: 'JSON',
      updateMethod: 'NewVersion',
      content: {
        schemaVersion: '1.0',
        description: 'Run one Bastion npm task on an app instance as the bastion user',
        sessionType: 'InteractiveCommands',
        parameters: {
          task: { type: 'String', description: 'The npm task', allowedValues: [...INSTANCE_TASKS] },
          args: {
            type: 'String',
            description: 'Arguments after --, e.g. --email owner@example.com',
            default: '',
            allowedPattern: '^[A-Za-z0-9@._+=: -]{0,200}$',
          },
        },
        properties: {
          linux: { commands: 'sudo -n -u bastion /opt/bastion/bin/with-env npm run {{ task }} -- {{ args }}', runAsElevated: false },
        },
      },
    });
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SessionsOnAppInstances',
        actions: ['ssm:StartSession'],
        resources: [`arn:${partition}:ec2:${region}:${account}:instance/*`],
        conditions: {
          StringEquals: { [`ssm:resourceTag/${APP_INSTANCE_TAG.key}`]: APP_INSTANCE_TAG.value },
          // Without this, StartSession on an instance alone would also open the default shell document.
          Bool: { 'ssm:SessionDocumentAccessCheck': 'true' },
        },
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SessionDocument',
        actions: ['ssm:StartSession'],
        resources: [`arn:${partition}:ssm:${region}:${account}:document/${taskDocument.ref}`],
      }),
    );
    // No TerminateSession or ResumeSession: a task session ends when its command does.
    Validations.of(this.deployRole).acknowledge(
      {
        id: iam5Resource(`arn:${partition}:ec2:${region}:${account}:instance/*`),
        reason: 'Auto Scaling replaces instances, so ids are unknown; the ssm:resourceTag condition limits sessions to Bastion app instances.',
      },
    );

    this.operatorRole = new iam.Role(this, 'OperatorRole', {
      assumedBy: trustWithMfa,
      description: 'Bastion operator: read-only view of resources, metrics, alarms and logs',
      maxSessionDuration: Duration.hours(8),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('job-function/ViewOnlyAccess'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchReadOnlyAccess'),
      ],
    });
    Validations.of(this.operatorRole).acknowledge(
      {
        id: iam4Policy('job-function/ViewOnlyAccess'),
        reason: 'AWS-maintained job-function policy: lists and describes resources without reading data (no s3:GetObject, no secret values) and follows new services, which a hand-written copy would not.',
      },
      {
        id: iam4Policy('CloudWatchReadOnlyAccess'),
        reason: 'AWS-maintained read-only policy for dashboards, alarms and logs; the app never logs secrets or personal data.',
      },
    );
  }
}
