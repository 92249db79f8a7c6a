import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { iam4Policy, iam5Resource } from '../nag-ids.js';
import { artifactBucketName } from './artifact-bucket.js';
import { APP_INSTANCE_TAG } from './instance-tags.js';

export interface AccessRolesProps {
  readonly artifactBucket: s3.IBucket;
}

/**
 * Human and CI access, separate from the instances' own role:
 *
 * - `DeployRole` publishes release tarballs, deploys through the roles `cdk bootstrap` created, and opens
 *   Session Manager sessions on app instances (to run `admin:create`, `keys:rotate`). It holds no data
 *   permission of its own: CloudFormation acts through the bootstrap execution role.
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
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkBootstrapRoles',
        actions: ['sts:AssumeRole'],
        // `cdk bootstrap` names its roles cdk-<qualifier>-<purpose>-<account>-<region>, one set per Region.
        resources: [`arn:${partition}:iam::${account}:role/cdk-hnb659fds-*-${account}-*`],
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
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SessionsOnAppInstances',
        actions: ['ssm:StartSession'],
        resources: [`arn:${partition}:ec2:${region}:${account}:instance/*`],
        conditions: { StringEquals: { [`ssm:resourceTag/${APP_INSTANCE_TAG.key}`]: APP_INSTANCE_TAG.value } },
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SessionDocument',
        actions: ['ssm:StartSession'],
        resources: [`arn:${partition}:ssm:${region}::document/AWS-StartInteractiveCommand`],
      }),
    );
    this.deployRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OwnSessionsOnly',
        actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
        resources: [`arn:${partition}:ssm:${region}:${account}:session/\${aws:userid}-*`],
      }),
    );
    Validations.of(this.deployRole).acknowledge(
      {
        id: iam5Resource(`arn:${partition}:iam::${account}:role/cdk-hnb659fds-*-${account}-*`),
        reason: 'Matches exactly the roles `cdk bootstrap` creates in each Region (deploy, file publishing, lookup); their names end in the Region.',
      },
      {
        id: iam5Resource(releases),
        reason: 'Release tarballs are new objects with versioned names under releases/; the grant stops at that prefix.',
      },
      {
        id: iam5Resource(`arn:${partition}:ec2:${region}:${account}:instance/*`),
        reason: 'Auto Scaling replaces instances, so ids are unknown; the ssm:resourceTag condition limits sessions to Bastion app instances.',
      },
      {
        id: iam5Resource(`arn:${partition}:ssm:${region}:${account}:session/<aws:userid>-*`),
        reason: 'Session ids are generated per session; the ${aws:userid} prefix limits the caller to sessions it started.',
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
