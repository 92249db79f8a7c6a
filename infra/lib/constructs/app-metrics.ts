import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { AUTH_FAILURES_METRIC, SECURITY_METRICS_NAMESPACE, TRAIL_METRIC_FILTERS, type TrailMetricName } from './security-monitoring.js';
import { AUDIT_CHECK_METRIC } from './user-data.js';

/** Namespace of the app's Embedded Metric Format metrics (`METRICS=emf`). */
export const APP_METRICS_NAMESPACE = 'Bastion';

/** The metric names the app emits under `Bastion`, without dimensions: the contract docs/deploy-aws.md states. */
export const APP_METRIC_NAMES = {
  ordersPlaced: 'OrdersPlaced',
  paymentFailures: 'PaymentFailures',
  checkoutLatency: 'CheckoutLatency',
  /** Age in seconds of the oldest outbox job that is ready to run (the outbox worker emits it). */
  outboxOldestReadyAge: 'OutboxOldestReadyAgeSeconds',
  /** Outbox jobs that exhausted their attempts and wait for a person. */
  outboxDeadJobs: 'OutboxDeadJobs',
  /** 1 when the daily `audit:verify` run on an instance failed, 0 when the chain held (user-data.ts). */
  auditChainBroken: AUDIT_CHECK_METRIC,
  /** CSP violations browsers reported from payment pages (/checkout, /pay/): src/http/csp-report.ts. */
  paymentPageCspViolations: 'PaymentPageCspViolations',
  /** Differences the scheduled tamper check found between the served payment pages and the script inventory. */
  paymentPageTamper: 'PaymentPageTamper',
} as const;

export interface MonitoredResources {
  readonly alb: elbv2.IApplicationLoadBalancer;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  readonly autoScalingGroupName: string;
  readonly databaseInstanceId: string;
  /** Node ids of the Redis replication group (`<group>-001`, `<group>-002`). */
  readonly redisNodeIds: readonly string[];
  readonly edgeWebAclName: string;
  readonly regionalWebAclName: string | undefined;
  readonly region: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/** The metrics the dashboard shows and the alarms watch, defined once so both always agree. */
export function appMetrics(r: MonitoredResources) {
  const tg = r.targetGroup.metrics;
  const alb = r.alb.metrics;
  const rds = (metricName: string, statistic = 'Average'): cloudwatch.Metric =>
    new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName,
      dimensionsMap: { DBInstanceIdentifier: r.databaseInstanceId },
      statistic,
      period: FIVE_MINUTES,
    });
  const redis = (metricName: string): cloudwatch.Metric[] =>
    r.redisNodeIds.map(
      (node) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: { CacheClusterId: node },
          statistic: 'Maximum',
          period: FIVE_MINUTES,
          label: `${metricName} ${node}`,
        }),
    );
  const app = (metricName: string, statistic: string): cloudwatch.Metric =>
    new cloudwatch.Metric({ namespace: APP_METRICS_NAMESPACE, metricName, statistic, period: FIVE_MINUTES });
  // AWS/WAFV2 dimensions: a CloudFront WebACL reports WebACL and Rule, in us-east-1; a regional WebACL
  // adds Region and reports in its own Region.
  const wafBlocked = (webAcl: string, regional: { readonly region: string } | undefined): cloudwatch.Metric =>
    new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: webAcl, Rule: 'ALL', ...(regional ? { Region: regional.region } : {}) },
      statistic: 'Sum',
      period: FIVE_MINUTES,
      ...(regional ? {} : { region: 'us-east-1' }),
      label: `WAF blocked (${webAcl})`,
    });

  return {
    requests: alb.requestCount({ period: FIVE_MINUTES, statistic: 'Sum' }),
    elb5xx: alb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: FIVE_MINUTES, statistic: 'Sum' }),
    target5xx: tg.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: FIVE_MINUTES, statistic: 'Sum' }),
    p99Latency: alb.targetResponseTime({ period: Duration.minutes(1), statistic: 'p99' }),
    healthyHosts: tg.healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum' }),
    unhealthyHosts: tg.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' }),
    cpu: new cloudwatch.Metric({
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensionsMap: { AutoScalingGroupName: r.autoScalingGroupName },
      statistic: 'Average',
      period: FIVE_MINUTES,
    }),
    dbConnections: rds('DatabaseConnections', 'Maximum'),
    dbFreeStorage: rds('FreeStorageSpace', 'Minimum'),
    dbCpu: rds('CPUUtilization'),
    redisCpu: redis('EngineCPUUtilization'),
    redisMemory: redis('DatabaseMemoryUsagePercentage'),
    redisConnections: redis('CurrConnections'),
    wafBlocked: [
      wafBlocked(r.edgeWebAclName, undefined),
      ...(r.regionalWebAclName ? [wafBlocked(r.regionalWebAclName, { region: r.region })] : []),
    ],
    ordersPlaced: app(APP_METRIC_NAMES.ordersPlaced, 'Sum'),
    paymentFailures: app(APP_METRIC_NAMES.paymentFailures, 'Sum'),
    paymentPageCspViolations: app(APP_METRIC_NAMES.paymentPageCspViolations, 'Sum'),
    paymentPageTamper: app(APP_METRIC_NAMES.paymentPageTamper, 'Sum'),
    checkoutLatencyP99: app(APP_METRIC_NAMES.checkoutLatency, 'p99'),
    outboxOldestReadyAge: new cloudwatch.Metric({
      namespace: APP_METRICS_NAMESPACE, metricName: APP_METRIC_NAMES.outboxOldestReadyAge, statistic: 'Maximum', period: Duration.minutes(1),
    }),
    outboxDeadJobs: new cloudwatch.Metric({
      namespace: APP_METRICS_NAMESPACE, metricName: APP_METRIC_NAMES.outboxDeadJobs, statistic: 'Maximum', period: Duration.minutes(1),
    }),
    auditChainBroken: new cloudwatch.Metric({
      namespace: APP_METRICS_NAMESPACE, metricName: APP_METRIC_NAMES.auditChainBroken, statistic: 'Maximum', period: Duration.days(1),
    }),
    authFailures: new cloudwatch.Metric({
      namespace: SECURITY_METRICS_NAMESPACE, metricName: AUTH_FAILURES_METRIC, statistic: 'Sum', period: FIVE_MINUTES,
    }),
    trailEvents: Object.fromEntries(
      Object.keys(TRAIL_METRIC_FILTERS).map((name) => [
        name,
        new cloudwatch.Metric({ namespace: SECURITY_METRICS_NAMESPACE, metricName: name, statistic: 'Sum', period: FIVE_MINUTES }),
      ]),
    ) as Record<TrailMetricName, cloudwatch.Metric>,
  };
}

export type AppMetrics = ReturnType<typeof appMetrics>;
