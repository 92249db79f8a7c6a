import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { BastionConfig } from '../config/bastion-config.js';
import { APP_INSTANCE_TAG } from './instance-tags.js';
import { renderUserData, type UserDataSettings } from './user-data.js';

/** The fleet's CPU target (target tracking); the cost estimate prices burstable credits at it. */
export const CPU_TARGET_PERCENT = 60;

/** Auto Scaling replaces an instance older than this. */
export const MAX_INSTANCE_LIFETIME_DAYS = 14;

export interface AppFleetProps {
  readonly config: BastionConfig;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly role: iam.IRole;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  readonly notifications: sns.ITopic;
  readonly userData: Omit<UserDataSettings, 'config' | 'asgLogicalId' | 'stackName'>;
}

/**
 * The app instances: an Auto Scaling group in the private subnets behind the ALB. The launch template
 * requires IMDSv2, encrypts the root volume, has no key pair (shell access is Session Manager only) and
 * turns on detailed monitoring. A new release changes the launch template only; the release pipeline's
 * instance refresh then replaces instances with alarm-based rollback (see instanceRefreshPreferences).
 */
export class AppFleet extends Construct {
  readonly group: autoscaling.AutoScalingGroup;

  constructor(scope: Construct, id: string, props: AppFleetProps) {
    super(scope, id);
    const { config } = props;
    const arm = /^[a-z]+\d+[a-z]*g[a-z]*\./.test(config.instanceType);
    const userData = ec2.UserData.forLinux();

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(config.instanceType),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({
        cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64,
      }),
      role: props.role,
      securityGroup: props.securityGroup,
      userData,
      requireImdsv2: true,
      // Burstable types (t4g) run unlimited: a busy hour costs CPU credits (priced by npm run cost)
      // rather than throttling the shop to its baseline.
      ...(/^t\d/.test(config.instanceType) ? { cpuCredits: ec2.CpuCredits.UNLIMITED } : {}),
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: false,
      detailedMonitoring: true,
      associatePublicIpAddress: false,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(config.rootVolumeGiB, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    this.group = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: config.minCapacity,
      maxCapacity: config.maxCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.minutes(5),
      }),
      // The first instances signal their boot (creation only). Later releases do not replace instances
      // through CloudFormation: the release pipeline starts an instance refresh (instanceRefreshPreferences)
      // that keeps full capacity, waits for each new instance, and rolls back when a release alarm fires.
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.minutes(15) }),
      notifications: [{ topic: props.notifications }],
      defaultInstanceWarmup: Duration.minutes(3),
      // Every instance is replaced within two weeks: it picks up the current Redis AUTH token (rotated every
      // 30 days, cache.ts), patched packages, and nothing lives long enough to drift.
      maxInstanceLifetime: Duration.days(MAX_INSTANCE_LIFETIME_DAYS),
    });
    this.group.attachToApplicationTargetGroup(props.targetGroup);

    const stack = Stack.of(this);
    const asgResource = this.group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    userData.addCommands(
      ...renderUserData({
        ...props.userData,
        config,
        stackName: stack.stackName,
        asgLogicalId: stack.getLogicalId(asgResource),
      }),
    );

    this.group.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: CPU_TARGET_PERCENT });
    this.group.scaleOnRequestCount('Requests', { targetRequestsPerMinute: config.requestsPerTargetPerMinute });

    // Session Manager access (see access-roles.ts) is granted by this tag.
    Tags.of(this.group).add(APP_INSTANCE_TAG.key, APP_INSTANCE_TAG.value, { applyToLaunchedInstances: true });
  }
}

/**
 * Preferences of the instance refresh that rolls a release out (`aws autoscaling start-instance-refresh
 * --preferences`): capacity never drops (new instances first, up to double), each must pass the health
 * check and warm up, and the refresh stops and rolls back to the previous launch template version when
 * any of `alarmNames` goes into ALARM.
 */
export function instanceRefreshPreferences(alarmNames: readonly string[], warmupSeconds: number): Record<string, unknown> {
  return {
    MinHealthyPercentage: 100,
    MaxHealthyPercentage: 200,
    InstanceWarmup: warmupSeconds,
    SkipMatching: false,
    AutoRollback: true,
    AlarmSpecification: { Alarms: [...alarmNames] },
    ScaleInProtectedInstances: 'Refresh',
    StandbyInstances: 'Terminate',
  };
}
