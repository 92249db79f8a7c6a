import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { BastionConfig } from '../config/bastion-config.js';
import { WEB_PROCESSES_PER_INSTANCE } from '../config/database-sizing.js';
import type { WafRateRule } from '../config/rate-limits.js';
import { Accelerator, REGIONAL_WEB_ACL_NAME } from '../constructs/accelerator.js';
import { Alarms, RELEASE_ALARM_NAMES } from '../constructs/alarms.js';
import { AppFleet, instanceRefreshPreferences } from '../constructs/app-fleet.js';
import { APP_METRICS_NAMESPACE, appMetrics } from '../constructs/app-metrics.js';
import { artifactBucketName, releaseObjectKey } from '../constructs/artifact-bucket.js';
import { certificateFor } from '../constructs/certificate.js';
import { ShopDashboard } from '../constructs/dashboard.js';
import { ShopDistribution } from '../constructs/distribution.js';
import { InstanceRole } from '../constructs/instance-role.js';
import { LoadBalancer } from '../constructs/load-balancer.js';
import { mediaBucketName, PUBLIC_MEDIA_PREFIX } from '../constructs/media-bucket.js';
import { VPC_CIDR } from '../constructs/network.js';
import { EDGE_WEB_ACL_NAME, type EdgeStack } from './edge-stack.js';
import type { StatefulStack } from './stateful-stack.js';

/** Seconds a new instance warms up (boot, release install, readiness) before a refresh counts it in service. */
export const INSTANCE_WARMUP_SECONDS = 300;

/** Failed sign-ins per 5 minutes across the shop before the FailedSignIns alarm fires. */
export const AUTH_FAILURES_PER_5_MINUTES = 50;

export interface AppStackProps extends StackProps {
  readonly config: BastionConfig;
  readonly stateful: StatefulStack;
  readonly edge: EdgeStack;
  readonly mirroredRules: readonly WafRateRule[];
}

/**
 * The stateless part: load balancer, app fleet, CDN, optional accelerator, alarms and dashboard. It holds
 * no data, so it can be destroyed and recreated (or replaced by a blue/green copy) without loss.
 */
export class AppStack extends Stack {
  readonly loadBalancer: LoadBalancer;
  readonly fleet: AppFleet;
  readonly cdn: ShopDistribution;
  readonly instanceRole: InstanceRole;
  readonly alarmTopic: sns.Topic;
  readonly alarms: Alarms;
  readonly accelerator: Accelerator | undefined;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config, stateful, edge } = props;
    const domain = config.domainName;
    const originDomainName = `origin.${domain}`;
    const acceleratorDomainName = `global.${domain}`;

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Bastion alarms',
      masterKey: stateful.keys.logsKey,
      enforceSSL: true,
    });
    if (config.alarmEmail !== undefined) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    }

    const certificate = certificateFor(this, 'OriginCertificate', {
      existingArn: config.certificateArn,
      domainName: originDomainName,
      alternativeNames: config.globalAccelerator ? [acceleratorDomainName] : [],
      hostedZoneId: config.hostedZoneId,
      zoneName: domain,
    });

    this.loadBalancer = new LoadBalancer(this, 'LoadBalancer', {
      vpc: stateful.network.vpc,
      securityGroup: stateful.network.albSecurityGroup,
      certificate,
      accessLogs: stateful.logBuckets.accessLogs,
      appPort: config.appPort,
    });

    // Named rather than referenced: a token from the stateful stack would tie this stack's templates to
    // that stack's outputs for no gain, since the names are fixed per account and Region.
    const media = s3.Bucket.fromBucketAttributes(this, 'MediaBucketRef', {
      bucketName: mediaBucketName(this.account, this.region),
      region: this.region,
    });
    const artifacts = s3.Bucket.fromBucketName(this, 'ArtifactBucketRef', artifactBucketName(this.account, this.region));
    this.cdn = new ShopDistribution(this, 'Cdn', {
      domainName: domain,
      originDomainName,
      certificate: edge.certificate,
      webAclArn: edge.webAcl.webAcl.attrArn,
      alb: this.loadBalancer.alb,
      mediaBucket: media,
      logBucket: stateful.logBuckets.cdnLogs,
    });
    const distribution = this.cdn.distribution;
    // The stateful stack must exist first: it creates the buckets named above.
    this.addStackDependency(stateful, 'creates the media and artifact buckets this stack names');

    const users = stateful.users;
    this.instanceRole = new InstanceRole(this, 'InstanceRole', {
      mediaBucket: media,
      artifactBucket: artifacts,
      dataKey: stateful.keys.dataKey,
      appKey: stateful.keys.appKey,
      // The app role's secret only: the master and owner secrets are for the release pipeline's migrate step.
      secrets: [stateful.database.appSecret, stateful.cache.authToken, stateful.appSecrets.secret],
      logGroups: [stateful.appLogs.app, stateful.appLogs.metrics],
      distributionArn: distribution.distributionArn,
      signalStackId: this.stackId,
      releaseKey: releaseObjectKey(config.releaseVersion),
    });

    this.fleet = new AppFleet(this, 'Fleet', {
      config,
      vpc: stateful.network.vpc,
      securityGroup: stateful.network.appSecurityGroup,
      role: this.instanceRole.role,
      targetGroup: this.loadBalancer.targetGroup,
      notifications: this.alarmTopic,
      userData: {
        artifactBucketName: artifacts.bucketName,
        releaseKey: releaseObjectKey(config.releaseVersion),
        databaseSecretArn: stateful.database.appSecret.secretArn,
        redisAuthSecretArn: stateful.cache.authToken.secretArn,
        appLogGroupName: stateful.appLogs.app.logGroupName,
        metricsLogGroupName: stateful.appLogs.metrics.logGroupName,
        environment: {
          NODE_ENV: 'production',
          PORT: String(config.appPort),
          HOST: '0.0.0.0',
          PUBLIC_URL: `https://${domain}`,
          // Every hop between the client and the app (CloudFront VPC origin, ALB) has an address in the
          // VPC, so trusting exactly that range yields the real client IP from X-Forwarded-For.
          TRUST_PROXY: VPC_CIDR,
          DATA_DIR: '/var/lib/bastion',
          LOG_LEVEL: 'info',
          // Derived from the database class and the fleet's maximum (lib/config/database-sizing.ts).
          WEB_CONCURRENCY: String(WEB_PROCESSES_PER_INSTANCE),
          DATABASE_POOL_SIZE: String(config.databaseSizing.poolSizePerProcess),
          STORAGE: 's3',
          S3_BUCKET: media.bucketName,
          S3_PUBLIC_PREFIX: PUBLIC_MEDIA_PREFIX,
          KEYS: 'aws-kms',
          KMS_KEY_ID: stateful.keys.appKey.keyArn,
          AUTH_PROVIDER: 'cognito',
          COGNITO_USER_POOL_ID: users.userPool.userPoolId,
          COGNITO_CLIENT_ID: users.client.userPoolClientId,
          COGNITO_DOMAIN: users.domain.baseUrl(),
          // Staff sign in through their own pool, where MFA is required (user-pool.ts).
          COGNITO_STAFF_USER_POOL_ID: users.staffPool.userPoolId,
          COGNITO_STAFF_CLIENT_ID: users.staffClient.userPoolClientId,
          COGNITO_STAFF_DOMAIN: users.staffDomain.baseUrl(),
          PAYMENTS: config.payments,
          // The SES-verified sender (mail.ts); SMTP_URL (SES SMTP) is in the settings secret.
          MAIL_FROM: stateful.mail.fromAddress,
          SECRETS_ARN: stateful.appSecrets.secret.secretArn,
          REDIS_HOST: stateful.cache.replicationGroup.attrPrimaryEndPointAddress,
          REDIS_PORT: String(stateful.cache.port),
          METRICS: 'emf',
          METRICS_NAMESPACE: APP_METRICS_NAMESPACE,
          AWS_REGION: this.region,
          AWS_EMF_NAMESPACE: APP_METRICS_NAMESPACE,
          AWS_EMF_SERVICE_NAME: 'bastion',
          AWS_EMF_ENVIRONMENT: 'EC2',
          AWS_EMF_LOG_GROUP_NAME: stateful.appLogs.metrics.logGroupName,
          // Catalog changes invalidate the changed pages (docs/caching.md); the role may do so on this distribution.
          CDN: 'cloudfront',
          CDN_DISTRIBUTION_ID: distribution.distributionId,
          BASTION_RELEASE: config.releaseVersion,
          // Lets the security advisor confirm on the instance that RDS is covered by the backup plan.
          BACKUP_PLAN_ID: stateful.backup.plan.backupPlanId,
        },
      },
    });

    this.accelerator = config.globalAccelerator
      ? new Accelerator(this, 'Global', {
          alb: this.loadBalancer.alb,
          logsKey: stateful.keys.logsKey,
          anonymousIpList: config.anonymousIpList,
          mirroredRules: props.mirroredRules,
        })
      : undefined;

    const redisGroup = stateful.cache.replicationGroup.ref;
    const metrics = appMetrics({
      alb: this.loadBalancer.alb,
      targetGroup: this.loadBalancer.targetGroup,
      autoScalingGroupName: this.fleet.group.autoScalingGroupName,
      databaseInstanceId: stateful.database.instance.instanceIdentifier,
      redisNodeIds: [`${redisGroup}-001`, `${redisGroup}-002`],
      edgeWebAclName: EDGE_WEB_ACL_NAME,
      regionalWebAclName: config.globalAccelerator ? REGIONAL_WEB_ACL_NAME : undefined,
      region: this.region,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      metrics,
      topic: this.alarmTopic,
      minHealthyHosts: config.minCapacity,
      dbFreeStorageThresholdBytes: Math.round(config.dbAllocatedStorageGiB * 0.1 * 1024 ** 3),
      dbConnectionsThreshold: config.databaseSizing.alarmThreshold,
      dbMaxConnections: config.databaseSizing.maxConnections,
      authFailuresPer5Minutes: AUTH_FAILURES_PER_5_MINUTES,
      regionalWafBlocked: metrics.wafBlocked[1],
    });

    // GuardDuty findings of high severity and failed Security Hub controls reach the same people.
    new events.Rule(this, 'GuardDutyFindings', {
      description: 'GuardDuty findings of severity 7 or more',
      eventPattern: { source: ['aws.guardduty'], detailType: ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 7] }] } },
      targets: [new eventTargets.SnsTopic(this.alarmTopic)],
    });
    new events.Rule(this, 'SecurityHubFindings', {
      description: 'Security Hub findings rated HIGH or CRITICAL that are new and failed',
      eventPattern: {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: ['HIGH', 'CRITICAL'] },
            Workflow: { Status: ['NEW'] },
            Compliance: { Status: ['FAILED'] },
          },
        },
      },
      targets: [new eventTargets.SnsTopic(this.alarmTopic)],
    });
    new ShopDashboard(this, 'Dashboard', { metrics, alarms: this.alarms.alarms });

    if (config.hostedZoneId !== undefined) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: config.hostedZoneId, zoneName: domain });
      const cdnTarget = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(distribution));
      new route53.ARecord(this, 'SiteA', { zone, recordName: domain, target: cdnTarget });
      new route53.AaaaRecord(this, 'SiteAaaa', { zone, recordName: domain, target: cdnTarget });
      if (this.accelerator !== undefined) {
        new route53.ARecord(this, 'AcceleratorA', {
          zone,
          recordName: acceleratorDomainName,
          target: route53.RecordTarget.fromAlias(new targets.GlobalAcceleratorTarget(this.accelerator.accelerator)),
        });
      }
    }

    new CfnOutput(this, 'SiteUrl', { value: `https://${domain}` });
    new CfnOutput(this, 'DistributionDomainName', { value: distribution.distributionDomainName });
    new CfnOutput(this, 'ArtifactBucketName', { value: artifacts.bucketName });
    new CfnOutput(this, 'ReleaseObjectKey', { value: releaseObjectKey(config.releaseVersion) });
    new CfnOutput(this, 'AutoScalingGroupName', { value: this.fleet.group.autoScalingGroupName });
    // The release's `npm run pages:verify` expects the scripts of exactly these providers on payment pages.
    new CfnOutput(this, 'Payments', { value: config.payments });
    // Read by the release pipeline and scripts/instance-refresh.sh: one definition of how a release rolls.
    new CfnOutput(this, 'InstanceRefreshPreferences', {
      value: JSON.stringify(instanceRefreshPreferences(Object.values(RELEASE_ALARM_NAMES), INSTANCE_WARMUP_SECONDS)),
    });
    if (this.accelerator !== undefined) {
      new CfnOutput(this, 'AcceleratorDnsName', { value: this.accelerator.accelerator.dnsName });
    }
  }
}
