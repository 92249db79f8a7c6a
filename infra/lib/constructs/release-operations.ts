import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { iam5Resource } from '../nag-ids.js';
import { artifactBucketName } from './artifact-bucket.js';
import { APP_INSTANCE_TAG } from './instance-tags.js';

/** Name of the database operations project: the release pipeline and scripts/restore-database.sh start it. */
export const OPS_PROJECT_NAME = 'bastion-db-ops';
/** Name of the role a release pipeline assumes in this environment. */
export const RELEASE_ROLE_NAME = 'bastion-release';
/** Name of the pipeline's build role, the one principal the release role trusts. */
export const PIPELINE_BUILD_ROLE_NAME = 'bastion-pipeline-build';
/** Secret the restore script fills with a restored instance's connection, for the restore check. */
export const RESTORE_CHECK_SECRET_NAME = 'bastion/restore-check';

export interface ReleaseOperationsProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly masterSecret: secretsmanager.ISecret;
  readonly ownerSecret: secretsmanager.ISecret;
  readonly appSecret: secretsmanager.ISecret;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  /** Account whose release pipeline may assume the release role (the same account by default). */
  readonly pipelineAccount: string;
}

/**
 * What a release does inside this environment, in one CodeBuild project that runs in the VPC (the only
 * place the database can be reached from, besides the app instances, which must not hold DDL rights):
 *
 * - `OPS_TASK=migrate`: from the release tarball, `db:roles` as the master user, `migrate` as the owner
 *   role, `db:roles` again (grants on new tables). Once per release, before any instance runs it.
 * - `OPS_TASK=refresh`: the instance refresh that rolls the release out, rolling back on the release alarms.
 * - `OPS_TASK=restore-check`: a restored database answers `/readyz`, its tables are counted and its
 *   audit chain verified (scripts/restore-database.sh).
 *
 * The release role is what the pipeline assumes here: upload the tarball, start this project, and the
 * account set-up AWS offers no CloudFormation resource for (Inspector scanning, AWS Config's role).
 */
export class ReleaseOperations extends Construct {
  readonly project: codebuild.Project;
  readonly releaseRole: iam.Role;

  constructor(scope: Construct, id: string, props: ReleaseOperationsProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    const bucket = artifactBucketName(account, region);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/bastion/${OPS_PROJECT_NAME}`,
      encryptionKey: props.logsKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logStreams = `arn:${partition}:logs:${region}:${account}:log-group:/bastion/${OPS_PROJECT_NAME}:*`;
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Bastion database operations: migrations, instance refresh, restore checks',
    });
    const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): void => {
      role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }));
    };
    allow('ReleaseTarballs', ['s3:GetObject'], [`arn:${partition}:s3:::${bucket}/releases/*`]);
    allow('DatabaseSecrets', ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], [
      props.masterSecret.secretArn,
      props.ownerSecret.secretArn,
      props.appSecret.secretArn,
      // Secrets Manager appends six random characters to a secret's name.
      `arn:${partition}:secretsmanager:${region}:${account}:secret:${RESTORE_CHECK_SECRET_NAME}-??????`,
    ]);
    allow('DataKeyViaSecrets', ['kms:Decrypt'], [props.dataKey.keyArn], { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } });
    allow('RefreshAppFleet', ['autoscaling:StartInstanceRefresh', 'autoscaling:CancelInstanceRefresh', 'autoscaling:RollbackInstanceRefresh'], ['*'], {
      StringEquals: { [`aws:ResourceTag/${APP_INSTANCE_TAG.key}`]: APP_INSTANCE_TAG.value },
    });
    allow('WatchRefresh', ['autoscaling:DescribeInstanceRefreshes', 'autoscaling:DescribeAutoScalingGroups'], ['*']);
    // What CodeBuild itself needs, written here with exact actions (the project gets the role without
    // policy updates, so CDK adds no broader grant of its own).
    allow('BuildLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logStreams]);
    allow('BuildEncryption', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], [props.logsKey.keyArn]);
    allow('VpcDescribe', [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeDhcpOptions',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeVpcs',
    ], ['*']);
    allow('VpcNetworkInterfaces', ['ec2:CreateNetworkInterfacePermission'], [`arn:${partition}:ec2:${region}:${account}:network-interface/*`], {
      StringEquals: {
        'ec2:AuthorizedService': 'codebuild.amazonaws.com',
        'ec2:Subnet': props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds.map(
          (subnet) => `arn:${partition}:ec2:${region}:${account}:subnet/${subnet}`,
        ),
      },
    });

    this.project = new codebuild.Project(this, 'Project', {
      projectName: OPS_PROJECT_NAME,
      description: 'Bastion database operations (OPS_TASK=migrate|refresh|restore-check)',
      role: role.withoutPolicyUpdates(),
      vpc: props.vpc,
      subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      encryptionKey: props.logsKey,
      grantReportGroupPermissions: false,
      timeout: Duration.minutes(90),
      logging: { cloudWatch: { logGroup } },
      environment: {
        // Graviton, like the instances: the release's native packages are built for arm64.
        buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0,
        computeType: codebuild.ComputeType.SMALL,
        environmentVariables: {
          ARTIFACT_BUCKET: { value: bucket },
          MASTER_SECRET_ARN: { value: props.masterSecret.secretArn },
          OWNER_SECRET_ARN: { value: props.ownerSecret.secretArn },
          APP_SECRET_ARN: { value: props.appSecret.secretArn },
          OPS_TASK: { value: 'migrate' },
          RELEASE_VERSION: { value: '' },
        },
      },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        env: { shell: 'bash' },
        phases: {
          install: { 'runtime-versions': { nodejs: 22 } },
          build: { commands: [OPS_SCRIPT] },
        },
      }),
    });

    this.releaseRole = new iam.Role(this, 'ReleaseRole', {
      roleName: RELEASE_ROLE_NAME,
      // Named by condition, not as the principal: IAM refuses a trust policy naming a role that does not
      // exist yet, and the pipeline may be deployed after this stack.
      assumedBy: new iam.AccountPrincipal(props.pipelineAccount).withConditions({
        ArnEquals: { 'aws:PrincipalArn': `arn:${partition}:iam::${props.pipelineAccount}:role/${PIPELINE_BUILD_ROLE_NAME}` },
      }),
      description: 'Bastion release pipeline: upload releases, run database operations, one-time account set-up',
      maxSessionDuration: Duration.hours(2),
    });
    const release = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): void => {
      this.releaseRole.addToPolicy(new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }));
    };
    release('PublishReleases', ['s3:PutObject'], [`arn:${partition}:s3:::${bucket}/releases/*`]);
    release('RunDatabaseOperations', ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], [this.project.projectArn]);
    release('EnableInspectorScanning', ['inspector2:Enable', 'inspector2:BatchGetAccountStatus'], ['*']);
    release('ServiceLinkedRoles', ['iam:CreateServiceLinkedRole'], [
      `arn:${partition}:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      `arn:${partition}:iam::${account}:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2`,
    ], { StringEquals: { 'iam:AWSServiceName': ['config.amazonaws.com', 'inspector2.amazonaws.com'] } });

    Validations.of(this).acknowledge(
      {
        id: iam5Resource('*'),
        reason:
          'Actions IAM offers no resource-level permission for (ec2 network-interface describes CodeBuild needs in a VPC, autoscaling:Describe*, inspector2:Enable), and instance-refresh actions on a group Auto Scaling names at creation, held to the app group by the aws:ResourceTag condition.',
      },
      {
        id: iam5Resource(`arn:${partition}:ec2:${region}:${account}:network-interface/*`),
        reason: 'CodeBuild creates a network interface per build in the VPC; the grant is held to the private subnets and the CodeBuild service by conditions.',
      },
      {
        id: iam5Resource(logStreams),
        reason: "CodeBuild names a log stream per build; the grant stops at this project's own log group.",
      },
    );
  }
}

/**
 * The project's one command, by OPS_TASK. Kept as a shell script so an operator can read in one place
 * what a release does to the database.
 */
const OPS_SCRIPT = String.raw`set -euo pipefail
fetch_release() {
  aws s3 cp "s3://$ARTIFACT_BUCKET/releases/bastion-$RELEASE_VERSION.tgz" /tmp/release.tgz
  mkdir -p /tmp/release && tar -xzf /tmp/release.tgz -C /tmp/release
  cd /tmp/release/package
  export DATABASE_SSL_CA="$PWD/certs/rds-global-bundle.pem"
}
case "$OPS_TASK" in
  migrate)
    fetch_release
    DATABASE_SECRET_ARN="$MASTER_SECRET_ARN" DB_OWNER_SECRET_ARN="$OWNER_SECRET_ARN" DB_APP_SECRET_ARN="$APP_SECRET_ARN" node dist/cli/db-roles.js
    DATABASE_SECRET_ARN="$OWNER_SECRET_ARN" node dist/cli/migrate.js
    DATABASE_SECRET_ARN="$MASTER_SECRET_ARN" node dist/cli/db-roles.js
    ;;
  refresh)
    id="$(aws autoscaling start-instance-refresh --auto-scaling-group-name "$ASG_NAME" --strategy Rolling --preferences "$REFRESH_PREFERENCES" --query InstanceRefreshId --output text)"
    while true; do
      status="$(aws autoscaling describe-instance-refreshes --auto-scaling-group-name "$ASG_NAME" --instance-refresh-ids "$id" --query 'InstanceRefreshes[0].Status' --output text)"
      echo "instance refresh $id: $status"
      case "$status" in
        Successful) break ;;
        Failed|Cancelled|RollbackSuccessful|RollbackFailed) echo "release not rolled out ($status)" >&2; exit 1 ;;
      esac
      sleep 30
    done
    ;;
  restore-check)
    fetch_release
    export DATABASE_SECRET_ARN="$RESTORED_SECRET_ARN"
    NODE_ENV=development MIGRATE_ON_START=false SEED_DEMO=never DATA_DIR=/tmp/data PORT=3999 node dist/main.js > /tmp/app.log 2>&1 &
    for attempt in $(seq 1 30); do curl -fsS http://127.0.0.1:3999/readyz && break; sleep 2; [ "$attempt" = 30 ] && { cat /tmp/app.log; exit 1; }; done
    node --input-type=module -e "
      import pg from 'pg';
      import { createAwsSecretStore } from './dist/adapters/secrets/aws.js';
      const s = await createAwsSecretStore().getJson(process.env.DATABASE_SECRET_ARN);
      const c = new pg.Client({ host: s.host, port: Number(s.port), user: s.username, password: s.password, database: s.dbname,
        ssl: { ca: (await import('node:fs')).readFileSync(process.env.DATABASE_SSL_CA, 'utf8') } });
      await c.connect();
      const tables = await c.query(\"select tablename from pg_tables where schemaname = 'public' order by 1\");
      for (const { tablename } of tables.rows) {
        const { rows } = await c.query('select count(*)::bigint as n from ' + JSON.stringify(tablename));
        console.log(tablename.padEnd(40) + rows[0].n);
      }
      await c.end();"
    node dist/cli/audit-verify.js
    ;;
  *) echo "OPS_TASK must be migrate, refresh or restore-check (got $OPS_TASK)" >&2; exit 2 ;;
esac`;
