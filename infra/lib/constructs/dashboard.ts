import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { AppMetrics } from './app-metrics.js';

/**
 * One dashboard for the whole shop, top to bottom in the order an on-call person asks: is it serving,
 * is it fast, is it healthy, is the data tier fine, is WAF blocking, is the business working.
 */
export class ShopDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: { readonly metrics: AppMetrics; readonly alarms: readonly cloudwatch.IAlarm[] }) {
    super(scope, id);
    const m = props.metrics;
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, left, right, width: 8, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          graph('Requests', [m.requests]),
          graph('5xx (load balancer, app)', [m.elb5xx, m.target5xx]),
          graph('Latency p99 (s)', [m.p99Latency]),
        ],
        [
          graph('Hosts (healthy, unhealthy)', [m.healthyHosts, m.unhealthyHosts]),
          graph('App CPU %', [m.cpu]),
          graph('Database connections, CPU %', [m.dbConnections], [m.dbCpu]),
        ],
        [
          graph('Database free storage (bytes)', [m.dbFreeStorage]),
          graph('Redis memory %, engine CPU %', m.redisMemory, m.redisCpu),
          graph('Redis connections', m.redisConnections),
        ],
        [
          graph('WAF blocked requests', m.wafBlocked),
          graph('Orders placed, payment failures', [m.ordersPlaced], [m.paymentFailures]),
          graph('Checkout latency p99 (ms)', [m.checkoutLatencyP99]),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 4 })],
      ],
    });
  }
}
