import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { BastionConfig, PipelineConfig } from '../config/bastion-config.js';
import { BOOTSTRAP_ROLE_PURPOSES } from '../constructs/access-roles.js';
import { OPS_PROJECT_NAME, PIPELINE_BUILD_ROLE_NAME, RELEASE_ROLE_NAME } from '../constructs/release-operations.js';
import { iam5Resource } from '../nag-ids.js';

/** Where a release goes: one environment, i.e. one account and Region with its own copy of the stacks. */
export interface ReleaseTarget {
  readonly name: 'staging' | 'production';
  readonly account: string;
  readonly region: string;
  readonly domainName: string;
}

export interface PipelineStackProps extends StackProps {
  readonly config: BastionConfig;
  readonly pipeline: PipelineConfig;
  /** Bucket receiving the artifact bucket's server access logs (the stateful stack's). */
  readonly accessLogs: s3.IBucket;
}

/** Name of the pipeline's one CodeBuild project (STEP=build|deploy). */
export const RELEASE_PROJECT_NAME = 'bastion-release';

/**
 * The release pipeline as code (CodePipeline V2 and CodeBuild): source from the repository, then
 *
 * 1. build: `npm ci`, typecheck, lint, tests (app and infra, cdk-nag included), `npm run release` (arm64);
 * 2. staging: deploy (below);
 * 3. a manual approval;
 * 4. production: deploy.
 *
 * A deploy, per environment: the one-time account set-up (AWS Config's service-linked role, Inspector EC2
 * scanning); `cdk deploy` of the recovery and stateful stacks; upload of the release tarball; the database
 * operations project's `migrate` (owner role, once); `cdk deploy` of the edge and app stacks (a new launch
 * template version); the `refresh` that rolls instances onto it and rolls back on the release alarms; and
 * `npm run pages:verify`, which fails the deploy when the payment pages differ from the script inventory.
 *
 * Roles are written here action by action (the CodeBuild project gets its role without policy updates),
 * and build logs go to the artifact bucket, so the pipeline adds a single wildcard: the artifact objects.
 */
export class PipelineStack extends Stack {
  readonly targets: readonly ReleaseTarget[];

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config, pipeline } = props;
    const { partition } = this;
    this.targets = [
      { name: 'staging', ...pipeline.staging },
      { name: 'production', account: config.account, region: config.region, domainName: config.domainName },
    ];

    const key = new kms.Key(this, 'ArtifactKey', {
      alias: 'alias/bastion/pipeline',
      description: 'Bastion release pipeline artifacts and build logs',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/pipeline/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-artifacts', expiration: Duration.days(180), noncurrentVersionExpiration: Duration.days(30) }],
    });
    const artifactObjects = bucket.arnForObjects('*');
    const artifactAccess = (principal: iam.Role): void => {
      principal.addToPolicy(new iam.PolicyStatement({ sid: 'ArtifactObjects', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], resources: [artifactObjects] }));
      principal.addToPolicy(new iam.PolicyStatement({ sid: 'ArtifactBucket', actions: ['s3:GetBucketLocation', 's3:GetBucketVersioning', 's3:ListBucket'], resources: [bucket.bucketArn] }));
      principal.addToPolicy(new iam.PolicyStatement({ sid: 'ArtifactKey', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }));
    };

    const buildRole = new iam.Role(this, 'BuildRole', {
      roleName: PIPELINE_BUILD_ROLE_NAME,
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Bastion release pipeline build: test, package, deploy through the bootstrap roles, release role per environment',
    });
    artifactAccess(buildRole);
    buildRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeployThroughTargets',
        actions: ['sts:AssumeRole'],
        resources: this.targets.flatMap((target) => [
          `arn:${partition}:iam::${target.account}:role/${RELEASE_ROLE_NAME}`,
          ...[...new Set([target.region, 'us-east-1', target.region === 'us-west-2' ? 'us-east-2' : 'us-west-2'])].flatMap((region) =>
            BOOTSTRAP_ROLE_PURPOSES.map((purpose) => `arn:${partition}:iam::${target.account}:role/cdk-hnb659fds-${purpose}-${target.account}-${region}`),
          ),
        ]),
      }),
    );

    const project = new codebuild.PipelineProject(this, 'Project', {
      projectName: RELEASE_PROJECT_NAME,
      description: 'Bastion release: STEP=build (test and package) or STEP=deploy (one environment)',
      role: buildRole.withoutPolicyUpdates(),
      encryptionKey: key,
      grantReportGroupPermissions: false,
      timeout: Duration.hours(2),
      logging: { cloudWatch: { enabled: false }, s3: { bucket, prefix: 'build-logs', encrypted: true } },
      environment: {
        buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0,
        computeType: codebuild.ComputeType.LARGE,
      },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        env: { shell: 'bash' },
        phases: {
          install: { 'runtime-versions': { nodejs: 22 }, commands: ['npm ci --no-audit --no-fund'] },
          build: { commands: [RELEASE_SCRIPT] },
        },
        artifacts: { files: ['**/*'], 'exclude-paths': ['node_modules/**/*', 'infra/node_modules/**/*'] },
      }),
    });

    const pipelineRole = new iam.Role(this, 'PipelineRole', {
      assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com'),
      description: 'Bastion release pipeline: source connection, artifacts, the release project',
    });
    artifactAccess(pipelineRole);
    pipelineRole.addToPolicy(new iam.PolicyStatement({ sid: 'RunReleaseProject', actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], resources: [project.projectArn] }));
    pipelineRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseSourceConnection',
        actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'],
        resources: [pipeline.connectionArn],
      }),
    );

    const codeBuild = (name: string, input: string, variables: Record<string, string>, output?: string): codepipeline.CfnPipeline.ActionDeclarationProperty => ({
      name,
      actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
      configuration: {
        ProjectName: project.projectName,
        EnvironmentVariables: JSON.stringify(Object.entries(variables).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' }))),
      },
      inputArtifacts: [{ name: input }],
      ...(output ? { outputArtifacts: [{ name: output }] } : {}),
      runOrder: 1,
    });
    const deploy = (target: ReleaseTarget): codepipeline.CfnPipeline.StageDeclarationProperty => ({
      name: target.name === 'staging' ? 'Staging' : 'Production',
      actions: [
        codeBuild(`Deploy-${target.name}`, 'Built', {
          STEP: 'deploy',
          STAGE_ACCOUNT: target.account,
          STAGE_REGION: target.region,
          STAGE_DOMAIN: target.domainName,
        }),
      ],
    });

    const cfnPipeline = new codepipeline.CfnPipeline(this, 'Pipeline', {
      name: 'bastion-release',
      pipelineType: 'V2',
      roleArn: pipelineRole.roleArn,
      artifactStore: { type: 'S3', location: bucket.bucketName, encryptionKey: { id: key.keyArn, type: 'KMS' } },
      stages: [
        {
          name: 'Source',
          actions: [
            {
              name: 'Repository',
              actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
              configuration: {
                ConnectionArn: pipeline.connectionArn,
                FullRepositoryId: pipeline.repository,
                BranchName: pipeline.branch,
                OutputArtifactFormat: 'CODE_ZIP',
              },
              outputArtifacts: [{ name: 'Source' }],
            },
          ],
        },
        { name: 'Build', actions: [codeBuild('TestAndPackage', 'Source', { STEP: 'build' }, 'Built')] },
        deploy(this.targets[0]!),
        {
          name: 'Approve',
          actions: [
            {
              name: 'PromoteToProduction',
              actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
              configuration: { CustomData: 'Staging runs this release: check it, then approve to release it to production.' },
            },
          ],
        },
        deploy(this.targets[1]!),
      ],
    });
    cfnPipeline.node.addDependency(pipelineRole);

    Validations.of(this).acknowledge({
      id: iam5Resource(`<${this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*`),
      reason:
        'Pipeline artifacts and build logs are objects CodePipeline and CodeBuild name per run; both roles reach only this bucket, encrypted with the pipeline key.',
    });
  }
}

/** STEP=build or STEP=deploy; one script, so what a release does reads top to bottom. */
const RELEASE_SCRIPT = String.raw`set -euo pipefail
case "$STEP" in
  build)
    npm run typecheck
    npm run lint
    npm test
    npx vitest run --project infra
    version="$(node -p 'require("./package.json").version')-$(printf %s "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c1-12)"
    RELEASE_ARCH=arm64 RELEASE_VERSION="$version" npm run release
    printf %s "$version" > release/VERSION
    ;;
  deploy)
    version="$(cat release/VERSION)"
    aws configure set profile.target.role_arn "arn:aws:iam::$STAGE_ACCOUNT:role/${RELEASE_ROLE_NAME}"
    aws configure set profile.target.credential_source EcsContainer
    aws configure set profile.target.region "$STAGE_REGION"
    target() { aws --profile target "$@"; }
    # The environment's context, as the positional parameters every cdk command below passes on.
    set -- -c "bastion:account=$STAGE_ACCOUNT" -c "bastion:region=$STAGE_REGION" -c "bastion:domainName=$STAGE_DOMAIN" -c "bastion:releaseVersion=$version"
    run_ops() {
      local overrides
      overrides="$(node -e 'const [task, version, ...pairs] = process.argv.slice(1);
        const vars = [["OPS_TASK", task], ["RELEASE_VERSION", version], ...pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)])];
        console.log(JSON.stringify(vars.map(([name, value]) => ({ name, value, type: "PLAINTEXT" }))));' "$@")"
      local id status
      id="$(target codebuild start-build --project-name ${OPS_PROJECT_NAME} --environment-variables-override "$overrides" --query build.id --output text)"
      while true; do
        status="$(target codebuild batch-get-builds --ids "$id" --query 'builds[0].buildStatus' --output text)"
        case "$status" in SUCCEEDED) return 0 ;; IN_PROGRESS) sleep 20 ;; *) echo "$1: $status" >&2; return 1 ;; esac
      done
    }
    (cd infra && npx cdk deploy BastionRecovery BastionStateful "$@" --require-approval never)
    # Account set-up AWS offers no CloudFormation resource for; both calls are idempotent. (The very first
    # deploy of an environment needs AWS Config's role before the stateful stack: docs/deploy-aws.md step 3.)
    target iam create-service-linked-role --aws-service-name config.amazonaws.com >/dev/null 2>&1 || true
    target inspector2 enable --resource-types EC2 >/dev/null
    target s3 cp "release/bastion-$version.tgz" "s3://bastion-artifacts-$STAGE_ACCOUNT-$STAGE_REGION/releases/bastion-$version.tgz"
    run_ops migrate "$version"
    (cd infra && npx cdk deploy BastionEdge BastionApp "$@" --require-approval never --outputs-file /tmp/outputs.json)
    run_ops refresh "$version" \
      "ASG_NAME=$(node -p 'require("/tmp/outputs.json").BastionApp.AutoScalingGroupName')" \
      "REFRESH_PREFERENCES=$(node -p 'require("/tmp/outputs.json").BastionApp.InstanceRefreshPreferences')"
    # PCI DSS 11.6.1: the payment pages as shoppers now get them must match the release's script inventory.
    PUBLIC_URL="https://$STAGE_DOMAIN" PAYMENTS="$(node -p 'require("/tmp/outputs.json").BastionApp.Payments')" npm run pages:verify
    ;;
  *) echo "STEP must be build or deploy (got $STEP)" >&2; exit 2 ;;
esac`;
