import type { SizeName, SizePreset } from '../lib/config/sizes.js';

/** The dated price table (data/prices-<region>.json): on-demand prices plus usage assumptions per size. */
export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  readonly pricesAsOf: string;
  readonly source: string;
  readonly hoursPerMonth: number;
  readonly ec2PerHour: Readonly<Record<string, number>>;
  readonly ebsGp3PerGbMonth: number;
  readonly ec2DetailedMonitoringPerInstanceMonth: number;
  readonly rdsPostgresMultiAzPerHour: Readonly<Record<string, number>>;
  readonly rdsGp3MultiAzPerGbMonth: number;
  readonly backupStoragePerGbMonth: number;
  readonly elastiCachePerNodeHour: Readonly<Record<string, number>>;
  readonly albPerHour: number;
  readonly albPerLcuHour: number;
  readonly natGatewayPerHour: number;
  readonly natGatewayPerGb: number;
  readonly publicIpv4PerHour: number;
  readonly interfaceEndpointPerAzHour: number;
  readonly interfaceEndpointPerGb: number;
  readonly cloudFrontPerGbOut: number;
  readonly cloudFrontPer10kHttpsRequests: number;
  readonly wafPerWebAclMonth: number;
  readonly wafPerRuleMonth: number;
  readonly wafPerMillionRequests: number;
  readonly globalAcceleratorPerHour: number;
  readonly globalAcceleratorPremiumPerGb: number;
  readonly kmsPerKeyMonth: number;
  readonly kmsPer10kRequests: number;
  readonly secretsManagerPerSecretMonth: number;
  readonly cloudWatchLogsIngestPerGb: number;
  readonly cloudWatchLogsStoragePerGbMonth: number;
  readonly cloudWatchAlarmPerMonth: number;
  readonly cloudWatchDashboardPerMonth: number;
  readonly cloudWatchCustomMetricPerMonth: number;
  readonly s3StandardPerGbMonth: number;
  readonly cognitoPlusPerMau: number;
  readonly route53HostedZonePerMonth: number;
  /** Surplus CPU credits of burstable instances in unlimited mode, per vCPU-hour above the baseline. */
  readonly cpuCreditPerVcpuHour: number;
  readonly burstable: Readonly<Record<string, { readonly vcpus: number; readonly baselinePercent: number }>>;
  readonly ec2Vcpus: Readonly<Record<string, number>>;
  /** Vended log delivery: VPC flow logs to S3, WAF logs to CloudWatch Logs. */
  readonly vendedLogsToS3PerGb: number;
  readonly vendedLogsToCloudWatchPerGb: number;
  readonly guardDutyManagementEventsPerMillion: number;
  readonly guardDutyFlowAndDnsLogsPerGb: number;
  readonly guardDutyRuntimePerVcpuMonth: number;
  readonly inspectorEc2PerInstanceMonth: number;
  readonly securityHubPerCheck: number;
  readonly configPerItemRecorded: number;
  readonly configPerRuleEvaluation: number;
  readonly backupCrossRegionTransferPerGb: number;
  readonly sesPer1000Emails: number;
  readonly codePipelineV2PerActionMinute: number;
  readonly codeBuildArmLargePerMinute: number;
  readonly usage: Readonly<Record<SizeName, Usage>>;
}

/** Traffic and data assumptions for one size; the printed estimate repeats them. */
export interface Usage {
  readonly cdnGbOut: number;
  readonly cdnMillionRequests: number;
  readonly albLcu: number;
  readonly natGb: number;
  readonly endpointGb: number;
  readonly mediaGb: number;
  readonly logBucketsGb: number;
  readonly logsIngestGb: number;
  readonly logsStoredGb: number;
  readonly kmsMillionRequests: number;
  readonly cognitoMau: number;
  readonly appCustomMetrics: number;
  readonly flowLogsGb: number;
  readonly wafLogsGb: number;
  readonly trailEventsMillions: number;
  readonly securityHubChecks: number;
  readonly configItems: number;
  readonly emailsThousands: number;
  readonly releasesPerMonth: number;
}

/** What the stacks deploy that the estimate must count, besides the size preset. */
export interface Deployment {
  readonly size: SizeName;
  readonly preset: SizePreset;
  readonly azCount: number;
  readonly interfaceEndpoints: number;
  readonly kmsKeys: number;
  readonly secrets: number;
  readonly alarms: number;
  readonly wafRules: number;
  readonly globalAccelerator: boolean;
  /** Average CPU the fleet is scaled to (the CPU target-tracking policy). */
  readonly cpuTargetPercent: number;
  /** Price the release pipeline (BastionPipeline) too. */
  readonly pipeline: boolean;
}

export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly monthly: number;
}

/** Looks a price up by name and fails loudly when the table lacks it (a preset changed, the table did not). */
function priceOf(table: Readonly<Record<string, number>>, key: string, what: string): number {
  const price = table[key];
  if (price === undefined) throw new Error(`price table has no ${what} price for ${key}`);
  return price;
}

/** Itemised monthly on-demand cost of one deployment. Pure: the CLI prints it and the tests check it. */
export function estimateMonthlyCost(prices: PriceTable, deployment: Deployment): CostLine[] {
  const h = prices.hoursPerMonth;
  const p = deployment.preset;
  const u = prices.usage[deployment.size];
  const n = p.typicalCapacity;
  const nat = p.natGatewaysPerAz ? deployment.azCount : 1;
  const db = `db.${p.dbInstanceClass}`;
  const lines: CostLine[] = [
    { service: 'EC2', item: `${n} x ${p.instanceType} (typical; min ${p.minCapacity}, max ${p.maxCapacity})`, monthly: n * h * priceOf(prices.ec2PerHour, p.instanceType, 'EC2') },
    { service: 'EC2', item: `${n} x ${p.rootVolumeGiB} GiB gp3 root volumes`, monthly: n * p.rootVolumeGiB * prices.ebsGp3PerGbMonth },
    { service: 'EC2', item: 'Detailed monitoring', monthly: n * prices.ec2DetailedMonitoringPerInstanceMonth },
    { service: 'RDS', item: `${db} PostgreSQL Multi-AZ`, monthly: h * priceOf(prices.rdsPostgresMultiAzPerHour, db, 'RDS') },
    { service: 'RDS', item: `${p.dbAllocatedStorageGiB} GiB gp3 Multi-AZ storage`, monthly: p.dbAllocatedStorageGiB * prices.rdsGp3MultiAzPerGbMonth },
    { service: 'AWS Backup', item: `~${p.dbAllocatedStorageGiB} GiB of database snapshots`, monthly: p.dbAllocatedStorageGiB * prices.backupStoragePerGbMonth },
    { service: 'ElastiCache', item: `2 x ${p.redisNodeType} (primary + replica)`, monthly: 2 * h * priceOf(prices.elastiCachePerNodeHour, p.redisNodeType, 'ElastiCache') },
    { service: 'ELB', item: `ALB, ${u.albLcu} LCU average`, monthly: h * (prices.albPerHour + u.albLcu * prices.albPerLcuHour) },
    { service: 'VPC', item: `${nat} NAT gateway(s), ${u.natGb} GB processed`, monthly: nat * h * (prices.natGatewayPerHour + prices.publicIpv4PerHour) + u.natGb * prices.natGatewayPerGb },
    {
      service: 'VPC',
      item: `${deployment.interfaceEndpoints} interface endpoints x ${deployment.azCount} AZs`,
      monthly: deployment.interfaceEndpoints * deployment.azCount * h * prices.interfaceEndpointPerAzHour + u.endpointGb * prices.interfaceEndpointPerGb,
    },
    {
      service: 'CloudFront',
      item: `${u.cdnGbOut} GB out, ${u.cdnMillionRequests} M HTTPS requests`,
      monthly: u.cdnGbOut * prices.cloudFrontPerGbOut + (u.cdnMillionRequests * 1e6 / 1e4) * prices.cloudFrontPer10kHttpsRequests,
    },
    {
      service: 'WAF',
      item: `${deployment.globalAccelerator ? 2 : 1} WebACL(s), ${deployment.wafRules} rules, ${u.cdnMillionRequests} M requests`,
      monthly:
        (deployment.globalAccelerator ? 2 : 1) * (prices.wafPerWebAclMonth + deployment.wafRules * prices.wafPerRuleMonth) +
        u.cdnMillionRequests * prices.wafPerMillionRequests,
    },
    { service: 'KMS', item: `${deployment.kmsKeys} keys, ${u.kmsMillionRequests} M requests`, monthly: deployment.kmsKeys * prices.kmsPerKeyMonth + (u.kmsMillionRequests * 1e6 / 1e4) * prices.kmsPer10kRequests },
    { service: 'Secrets Manager', item: `${deployment.secrets} secrets`, monthly: deployment.secrets * prices.secretsManagerPerSecretMonth },
    {
      service: 'CloudWatch',
      item: `${u.logsIngestGb} GB logs in, ${u.logsStoredGb} GB kept`,
      monthly: u.logsIngestGb * prices.cloudWatchLogsIngestPerGb + u.logsStoredGb * prices.cloudWatchLogsStoragePerGbMonth,
    },
    {
      service: 'CloudWatch',
      item: `${deployment.alarms} alarms, 1 dashboard, ${u.appCustomMetrics + 2 * n} custom metrics`,
      monthly:
        deployment.alarms * prices.cloudWatchAlarmPerMonth +
        prices.cloudWatchDashboardPerMonth +
        (u.appCustomMetrics + 2 * n) * prices.cloudWatchCustomMetricPerMonth,
    },
    { service: 'S3', item: `${u.mediaGb} GB media, ${u.logBucketsGb} GB logs and trail`, monthly: (u.mediaGb + u.logBucketsGb) * prices.s3StandardPerGbMonth },
    { service: 'Cognito', item: `${u.cognitoMau} monthly active users (Plus tier)`, monthly: u.cognitoMau * prices.cognitoPlusPerMau },
    { service: 'Route 53', item: '1 hosted zone', monthly: prices.route53HostedZonePerMonth },
  ];
  const burst = prices.burstable[p.instanceType];
  if (burst !== undefined) {
    const surplus = Math.max(0, deployment.cpuTargetPercent - burst.baselinePercent) / 100;
    lines.push({
      service: 'EC2',
      item: `CPU credits, unlimited mode at the ${deployment.cpuTargetPercent}% target (baseline ${burst.baselinePercent}%)`,
      monthly: n * burst.vcpus * surplus * h * prices.cpuCreditPerVcpuHour,
    });
  }
  const vcpus = n * priceOf(prices.ec2Vcpus, p.instanceType, 'vCPU');
  lines.push(
    {
      service: 'Log delivery',
      item: `VPC flow logs ${u.flowLogsGb} GB to S3, WAF logs ${u.wafLogsGb} GB to CloudWatch`,
      monthly: u.flowLogsGb * prices.vendedLogsToS3PerGb + u.wafLogsGb * (prices.vendedLogsToCloudWatchPerGb + prices.cloudWatchLogsStoragePerGbMonth),
    },
    {
      service: 'GuardDuty',
      item: `${u.trailEventsMillions} M events, ${u.flowLogsGb} GB flow/DNS logs, runtime on ${vcpus} vCPUs`,
      monthly:
        u.trailEventsMillions * prices.guardDutyManagementEventsPerMillion +
        u.flowLogsGb * prices.guardDutyFlowAndDnsLogsPerGb +
        vcpus * prices.guardDutyRuntimePerVcpuMonth,
    },
    { service: 'Inspector', item: `EC2 scanning of ${n} instances`, monthly: n * prices.inspectorEc2PerInstanceMonth },
    {
      service: 'Security Hub',
      item: `${u.securityHubChecks} FSBP control checks`,
      monthly: u.securityHubChecks * prices.securityHubPerCheck,
    },
    {
      service: 'AWS Config',
      item: `${u.configItems} configuration items, 1 rule`,
      monthly: u.configItems * prices.configPerItemRecorded + 30 * prices.configPerRuleEvaluation,
    },
    {
      service: 'CloudTrail',
      item: `~${u.trailEventsMillions} GB of events to CloudWatch Logs`,
      monthly: u.trailEventsMillions * (prices.cloudWatchLogsIngestPerGb + prices.cloudWatchLogsStoragePerGbMonth),
    },
    {
      service: 'AWS Backup',
      item: `~${p.dbAllocatedStorageGiB} GiB copied to the recovery Region`,
      monthly: p.dbAllocatedStorageGiB * (prices.backupStoragePerGbMonth + prices.backupCrossRegionTransferPerGb),
    },
    { service: 'SES', item: `${u.emailsThousands}k emails`, monthly: u.emailsThousands * prices.sesPer1000Emails },
  );
  if (deployment.pipeline) {
    // A release: about 40 minutes of build and test, 25 per environment deploy; the pipeline bills action minutes.
    const buildMinutes = 40 + 2 * 25;
    lines.push({
      service: 'CodePipeline',
      item: `${u.releasesPerMonth} releases, ~${buildMinutes} CodeBuild minutes each`,
      monthly: u.releasesPerMonth * buildMinutes * (prices.codeBuildArmLargePerMinute + prices.codePipelineV2PerActionMinute),
    });
  }
  if (deployment.globalAccelerator) {
    lines.push({
      service: 'Global Accelerator',
      item: `fixed fee, premium on ${u.cdnGbOut} GB`,
      monthly: h * prices.globalAcceleratorPerHour + u.cdnGbOut * prices.globalAcceleratorPremiumPerGb,
    });
  }
  return lines;
}

export function totalOf(lines: readonly CostLine[]): number {
  return lines.reduce((sum, line) => sum + line.monthly, 0);
}
