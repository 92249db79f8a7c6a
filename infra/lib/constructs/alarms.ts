import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AppMetrics } from './app-metrics.js';

export interface AlarmsProps {
  readonly metrics: AppMetrics;
  readonly topic: sns.ITopic;
  readonly minHealthyHosts: number;
  /** Below this much free database storage (bytes) someone should look before autoscaling runs out. */
  readonly dbFreeStorageThresholdBytes: number;
  /** Connections above which the database is near its `max_connections` (database-sizing.ts). */
  readonly dbConnectionsThreshold: number;
  readonly dbMaxConnections: number;
  /** Failed sign-ins (app `auth failure` lines) per 5 minutes above which someone is guessing passwords. */
  readonly authFailuresPer5Minutes: number;
  /** The regional WebACL's blocked requests, when Global Accelerator puts one in this Region. */
  readonly regionalWafBlocked?: cloudwatch.IMetric | undefined;
}

/**
 * Alarms a release must not trip: the instance refresh that rolls a release out watches them and rolls
 * back when one fires. Named, so the pipeline and the refresh script can list them without a lookup.
 */
export const RELEASE_ALARM_NAMES = {
  LoadBalancer5xx: 'bastion-release-alb-5xx',
  App5xx: 'bastion-release-app-5xx',
  LatencyP99: 'bastion-release-latency-p99',
} as const;

/** Oldest ready outbox job older than this (seconds) for 3 minutes: the worker is stuck, down or behind. */
export const OUTBOX_MAX_READY_AGE_SECONDS = 300;
/** WAF blocks per 5 minutes above which an attack (or a bad rule) deserves a look. */
export const WAF_BLOCKS_PER_5_MINUTES = 1_000;

/**
 * One alarm per signal that needs a person: the shop failing requests, slowing down, losing hosts,
 * running hot, running out of database room, or failing payments. Each notifies the alarm topic when it
 * fires and when it clears. Thresholds are starting points for a new shop; docs/deploy-aws.md says how to
 * tune them.
 */
export class Alarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const m = props.metrics;
    const action = new actions.SnsAction(props.topic);
    const add = (name: string, metric: cloudwatch.Metric, options: Omit<cloudwatch.CreateAlarmOptions, 'alarmDescription'> & { description: string }): void => {
      const { description, ...rest } = options;
      const alarmName = (RELEASE_ALARM_NAMES as Record<string, string>)[name];
      const alarm = metric.createAlarm(this, name, { alarmDescription: description, ...(alarmName ? { alarmName } : {}), ...rest });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };
    const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;
    const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
    const below = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;

    add('LoadBalancer5xx', m.elb5xx, {
      description: 'The load balancer answered 5xx itself (no healthy target, or targets failing to connect)',
      threshold: 10, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
    });
    add('App5xx', m.target5xx, {
      description: 'The app answered 5xx to more than 20 requests in 5 minutes',
      threshold: 20, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
    });
    add('LatencyP99', m.p99Latency, {
      description: 'p99 response time above 2 s for 5 minutes',
      threshold: 2, evaluationPeriods: 5, datapointsToAlarm: 5, comparisonOperator: above, treatMissingData: notBreaching,
    });
    add('HealthyHosts', m.healthyHosts, {
      description: 'Fewer healthy app instances than the group minimum for 3 minutes',
      threshold: props.minHealthyHosts, evaluationPeriods: 3, comparisonOperator: below,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    add('AppCpu', m.cpu, {
      description: 'App fleet CPU above 85% for 15 minutes: scaling is at its maximum or not keeping up',
      threshold: 85, evaluationPeriods: 3, comparisonOperator: above,
    });
    add('DatabaseCpu', m.dbCpu, {
      description: 'Database CPU above 80% for 15 minutes',
      threshold: 80, evaluationPeriods: 3, comparisonOperator: above,
    });
    add('DatabaseFreeStorage', m.dbFreeStorage, {
      description: 'Database free storage low',
      threshold: props.dbFreeStorageThresholdBytes, evaluationPeriods: 1, comparisonOperator: below,
    });
    add('DatabaseConnections', m.dbConnections, {
      description: `Database connections above ${props.dbConnectionsThreshold} (80% of max_connections ${props.dbMaxConnections}): a pool leak or runaway scaling`,
      threshold: props.dbConnectionsThreshold, evaluationPeriods: 2, comparisonOperator: above,
    });
    m.redisMemory.forEach((metric, index) =>
      add(`RedisMemory${index + 1}`, metric, {
        description: 'Redis memory above 80%: evictions of sessions and counters will follow',
        threshold: 80, evaluationPeriods: 2, comparisonOperator: above,
      }),
    );
    m.redisCpu.forEach((metric, index) =>
      add(`RedisCpu${index + 1}`, metric, {
        description: 'Redis engine CPU above 80%',
        threshold: 80, evaluationPeriods: 3, comparisonOperator: above,
      }),
    );
    add('OutboxOldestReadyAge', m.outboxOldestReadyAge, {
      description: `The oldest ready outbox job is older than ${OUTBOX_MAX_READY_AGE_SECONDS} s for 3 minutes: the outbox worker (bastion-worker.service) is down, stuck or behind`,
      threshold: OUTBOX_MAX_READY_AGE_SECONDS, evaluationPeriods: 3, datapointsToAlarm: 3, comparisonOperator: above, treatMissingData: notBreaching,
    });
    add('OutboxDeadJobs', m.outboxDeadJobs, {
      description: 'An outbox job exhausted its attempts (mail, webhook or indexing not done): see the back office outbox page',
      threshold: 0, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
    });
    add('AuditChain', m.auditChainBroken, {
      description: 'The daily npm run audit:verify failed on an instance (or did not report for a day): the audit hash chain may be broken',
      threshold: 0, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    add('FailedSignIns', m.authFailures, {
      description: `More than ${props.authFailuresPer5Minutes} failed sign-ins in 5 minutes: credential stuffing or a broken sign-in`,
      threshold: props.authFailuresPer5Minutes, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
    });
    for (const [name, metric] of Object.entries(m.trailEvents)) {
      add(`Trail${name}`, metric, {
        description: `CloudTrail: ${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} (metric filter on the trail's log group)`,
        threshold: 0, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
      });
    }
    if (props.regionalWafBlocked !== undefined) {
      const alarm = new cloudwatch.Alarm(this, 'RegionalWafBlocks', {
        metric: props.regionalWafBlocked,
        alarmDescription: `The regional WebACL blocked more than ${WAF_BLOCKS_PER_5_MINUTES} requests in 5 minutes`,
        threshold: WAF_BLOCKS_PER_5_MINUTES, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    }
    add('PaymentFailures', m.paymentFailures, {
      description: 'More than 5 payment failures in 5 minutes (EMF metric Bastion/PaymentFailures)',
      threshold: 5, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
    });
    // PCI DSS v4.0.1 11.6.1: a change to the payment pages' scripts or headers must reach a person.
    add('PaymentPageCspViolations', m.paymentPageCspViolations, {
      description:
        'A browser reported a Content-Security-Policy violation on a payment page (/checkout, /pay/) in the last 5 minutes: a blocked script there may be a skimmer, or a release that changed a script without its inventory (docs/security.md, payment pages)',
      threshold: 0, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
    });
    add('PaymentPageTamper', m.paymentPageTamper, {
      description:
        'The scheduled tamper check found a payment page whose security headers or scripts differ from the script inventory (see the audit trail, action payment_pages.tamper_detected)',
      threshold: 0, evaluationPeriods: 1, comparisonOperator: above, treatMissingData: notBreaching,
    });
  }
}
