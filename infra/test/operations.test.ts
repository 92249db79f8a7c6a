import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseSizing, maxConnectionsOf } from '../lib/config/database-sizing.js';
import { SIZES, type SizeName } from '../lib/config/sizes.js';
import { APP_METRICS_NAMESPACE } from '../lib/constructs/app-metrics.js';
import { SECURITY_METRICS_NAMESPACE, TRAIL_METRIC_FILTERS } from '../lib/constructs/security-monitoring.js';
import { INFRA_DIR, resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

let bastion: SynthesizedBastion;
beforeAll(() => {
  bastion = synthBastion();
});

/** The launch template's user data as text, with CloudFormation tokens shown as `<token>`. */
function userDataOf(template: Template): string {
  const templates = Object.values(resourcesOf(template, 'AWS::EC2::LaunchTemplate'));
  const data = templates[0]?.Properties?.['LaunchTemplateData'] as { UserData: { 'Fn::Base64': { 'Fn::Join': [string, unknown[]] } } };
  return data.UserData['Fn::Base64']['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
}

interface AlarmJson {
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Threshold: number;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly Period?: number;
  readonly ComparisonOperator: string;
  readonly AlarmActions: unknown[];
  readonly TreatMissingData?: string;
}

function alarmOn(template: Template, namespace: string, metricName: string): AlarmJson {
  const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as unknown as AlarmJson);
  // An alarm on a labelled metric renders as a metric-data query.
  const metricsOf = (alarm: AlarmJson & { Metrics?: { MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[] }) => [
    { Namespace: alarm.Namespace, MetricName: alarm.MetricName },
    ...(alarm.Metrics ?? []).map((query) => query.MetricStat?.Metric ?? { Namespace: undefined, MetricName: undefined }),
  ];
  const found = alarms.filter((alarm) => metricsOf(alarm).some((m) => m.Namespace === namespace && m.MetricName === metricName));
  expect(found, `one alarm on ${namespace}/${metricName}`).toHaveLength(1);
  return found[0]!;
}

const alarmTopicRef = (template: Template): string => {
  const topics = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  return topics[0]!;
};

describe('health checks: liveness replaces instances, readiness only gates boot', () => {
  it('points the target group at /healthz, never /readyz, so a database failover marks no instance unhealthy', () => {
    const groups = Object.values(resourcesOf(bastion.templates.app, 'AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups.map((group) => group.Properties?.['HealthCheckPath'])).toEqual(['/healthz']);
  });

  it('lets the Auto Scaling group replace an instance whose process is dead or wedged (ELB check on the liveness path)', () => {
    bastion.templates.app.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 300,
      TargetGroupARNs: [Match.anyValue()],
    });
  });

  it('makes a new instance wait for /readyz (database reachable) before it reports its boot done', () => {
    const userData = userDataOf(bastion.templates.app);
    expect(userData).toMatch(/curl -fsS -o \/dev\/null http:\/\/127\.0\.0\.1:3000\/readyz && \{ trap - ERR; signal 0/);
  });
});

describe('database connections', () => {
  it.each(Object.keys(SIZES) as SizeName[])('alarms below max_connections on the %s size and leaves room for every pool', (size) => {
    const preset = SIZES[size];
    const sizing = databaseSizing(preset.dbInstanceClass, preset.maxCapacity);
    expect(sizing.alarmThreshold).toBeLessThan(sizing.maxConnections);
    expect(sizing.poolSizePerProcess * sizing.processes).toBeLessThanOrEqual(sizing.alarmThreshold);
    expect(sizing.poolSizePerProcess).toBeGreaterThanOrEqual(2);
  });

  it('sets the alarm and the pool of the deployed size from its database class (small: db.t4g.small, about 200 connections)', () => {
    expect(maxConnectionsOf('t4g.small')).toBeLessThan(250);
    const alarm = alarmOn(bastion.templates.app, 'AWS/RDS', 'DatabaseConnections');
    expect(alarm.Threshold).toBe(bastion.config.databaseSizing.alarmThreshold);
    expect(alarm.Threshold).toBeLessThan(maxConnectionsOf(bastion.config.dbInstanceClass));
    const userData = userDataOf(bastion.templates.app);
    expect(userData).toContain(`DATABASE_POOL_SIZE=${bastion.config.databaseSizing.poolSizePerProcess}`);
    expect(userData).toContain('WEB_CONCURRENCY=2');
  });

  it('follows a larger class given on the command line', () => {
    const large = synthBastion({ 'bastion:dbInstanceClass': 'r7g.xlarge' });
    expect(alarmOn(large.templates.app, 'AWS/RDS', 'DatabaseConnections').Threshold).toBe(databaseSizing('r7g.xlarge', SIZES.small.maxCapacity).alarmThreshold);
  });
});

describe('processes on an instance', () => {
  it('runs the web server with OUTBOX_WORKER=off and the outbox worker as its own unit', () => {
    const userData = userDataOf(bastion.templates.app);
    const web = userData.slice(userData.indexOf('/etc/systemd/system/bastion.service'), userData.indexOf('/etc/systemd/system/bastion-worker.service'));
    expect(web).toContain('Environment=OUTBOX_WORKER=off');
    expect(web).toContain('dist/main.js');
    const worker = userData.slice(userData.indexOf('/etc/systemd/system/bastion-worker.service'));
    expect(worker).toMatch(/ExecStart=\/opt\/bastion\/bin\/with-env \/usr\/local\/bin\/node --enable-source-maps dist\/cli\/worker\.js/);
    expect(worker).toContain('User=bastion');
    expect(userData).toContain('systemctl enable --now bastion.service bastion-worker.service');
  });

  it('never migrates at start and connects as the app role, not the master user', () => {
    const userData = userDataOf(bastion.templates.app);
    expect(userData).toContain('MIGRATE_ON_START=false');
    const secretRefs = JSON.stringify(resourcesOf(bastion.templates.app, 'AWS::EC2::LaunchTemplate'));
    expect(secretRefs).toContain('DatabaseAppSecret');
    expect(secretRefs).not.toMatch(/DatabaseInstanceSecret|DatabaseOwnerSecret/);
    const policies = JSON.stringify(resourcesOf(bastion.templates.app, 'AWS::IAM::Policy'));
    expect(policies).not.toMatch(/DatabaseInstanceSecret|DatabaseOwnerSecret/);
  });

  it('downloads nothing from the internet at boot and runs the Node.js 22 LTS', () => {
    const userData = userDataOf(bastion.templates.app);
    // Settings in the environment file may name URLs (PUBLIC_URL); commands may not fetch any.
    const commands = userData.split('\n').filter((line) => !/^[A-Z][A-Z0-9_]*=/.test(line)).join('\n');
    const urls = commands.match(/https?:\/\/[^\s"'`]+/g) ?? [];
    expect(urls.filter((url) => !url.startsWith('http://127.0.0.1'))).toEqual([]);
    expect(userData).not.toMatch(/\bcurl\b[^\n]*https:/);
    expect(userData).toContain('dnf install -y nodejs22 nodejs22-npm');
    expect(userData).not.toContain('nodejs20');
    expect(userData).toContain('DATABASE_SSL_CA=/opt/bastion/current/certs/rds-global-bundle.pem');
  });
});

describe('alarms', () => {
  it('alarms on the outbox: oldest ready job over 300 s for 3 periods, and any dead job, to the alarm topic', () => {
    const t = bastion.templates.app;
    const topic = alarmTopicRef(t);
    const age = alarmOn(t, APP_METRICS_NAMESPACE, 'OutboxOldestReadyAgeSeconds');
    expect(age).toMatchObject({ Threshold: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3, ComparisonOperator: 'GreaterThanThreshold' });
    const dead = alarmOn(t, APP_METRICS_NAMESPACE, 'OutboxDeadJobs');
    expect(dead).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    for (const alarm of [age, dead]) expect(JSON.stringify(alarm.AlarmActions)).toContain(topic);
  });

  it('alarms on every CloudTrail metric filter, failed sign-ins and a broken or silent audit chain', () => {
    const t = bastion.templates.app;
    for (const name of Object.keys(TRAIL_METRIC_FILTERS)) {
      expect(alarmOn(t, SECURITY_METRICS_NAMESPACE, name)).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    expect(alarmOn(t, SECURITY_METRICS_NAMESPACE, 'AuthFailures').Threshold).toBeGreaterThan(0);
    expect(alarmOn(t, APP_METRICS_NAMESPACE, 'AuditChainBroken')).toMatchObject({ Threshold: 0, TreatMissingData: 'breaching', Period: 86_400 });
    expect(userDataOf(t)).toContain('dist/cli/audit-verify.js');
    expect(userDataOf(t)).toContain('bastion-audit-check.timer');
  });

  it('alarms on WAF blocks in the Region the WebACL reports in', () => {
    const edge = bastion.templates.edge;
    expect(alarmOn(edge, 'AWS/WAFV2', 'BlockedRequests').AlarmActions).toHaveLength(1);
    edge.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const withAccelerator = synthBastion({ 'bastion:globalAccelerator': 'true' });
    expect(alarmOn(withAccelerator.templates.app, 'AWS/WAFV2', 'BlockedRequests').AlarmActions).toHaveLength(1);
  });
});

describe('security monitoring', () => {
  it('turns on GuardDuty with runtime monitoring, Security Hub with FSBP, AWS Config and an Inspector check', () => {
    const t = bastion.templates.stateful;
    t.hasResourceProperties('AWS::GuardDuty::Detector', {
      Enable: true,
      Features: Match.arrayWith([Match.objectLike({ Name: 'RUNTIME_MONITORING', Status: 'ENABLED' })]),
    });
    t.resourceCountIs('AWS::SecurityHub::Hub', 1);
    t.hasResourceProperties('AWS::SecurityHub::Standard', {
      StandardsArn: Match.stringLikeRegexp('standards/aws-foundational-security-best-practices/v/1.0.0'),
    });
    t.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      RoleARN: Match.stringLikeRegexp('AWSServiceRoleForConfig'),
    });
    t.resourceCountIs('AWS::Config::DeliveryChannel', 1);
    t.hasResourceProperties('AWS::Config::ConfigRule', { Source: { Owner: 'AWS', SourceIdentifier: 'INSPECTOR_EC2_SCAN_ENABLED' } });
  });

  it('leaves the account services to an organization when told to', () => {
    const t = synthBastion({ 'bastion:securityServices': 'false' }).templates.stateful;
    t.resourceCountIs('AWS::GuardDuty::Detector', 0);
    t.resourceCountIs('AWS::SecurityHub::Hub', 0);
    t.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    t.resourceCountIs('AWS::Logs::MetricFilter', Object.keys(TRAIL_METRIC_FILTERS).length + 1);
  });

  it('sends the trail to CloudWatch Logs and filters it for the events an operator must hear about', () => {
    const t = bastion.templates.stateful;
    t.hasResourceProperties('AWS::CloudTrail::Trail', { TrailName: 'bastion-trail', CloudWatchLogsLogGroupArn: Match.anyValue() });
    for (const [name, pattern] of Object.entries(TRAIL_METRIC_FILTERS)) {
      t.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: pattern,
        MetricTransformations: [Match.objectLike({ MetricName: name, MetricNamespace: SECURITY_METRICS_NAMESPACE })],
      });
    }
    t.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.authEvent = "auth.failure" }' });
  });

  it('forwards high-severity GuardDuty and Security Hub findings to the alarm topic', () => {
    const rules = Object.values(resourcesOf(bastion.templates.app, 'AWS::Events::Rule')).map((rule) => JSON.stringify(rule.Properties));
    expect(rules.some((rule) => rule.includes('aws.guardduty'))).toBe(true);
    expect(rules.some((rule) => rule.includes('aws.securityhub'))).toBe(true);
  });
});

describe('rolling a release out', () => {
  it('publishes instance refresh preferences that keep capacity and roll back on named alarms that exist', () => {
    const outputs = bastion.templates.app.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    const preferences = JSON.parse(String(outputs['InstanceRefreshPreferences']?.Value)) as {
      MinHealthyPercentage: number;
      AutoRollback: boolean;
      AlarmSpecification: { Alarms: string[] };
    };
    expect(preferences).toMatchObject({ MinHealthyPercentage: 100, AutoRollback: true });
    const alarmNames = Object.values(resourcesOf(bastion.templates.app, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties?.['AlarmName']);
    expect(preferences.AlarmSpecification.Alarms.length).toBeGreaterThanOrEqual(3);
    for (const name of preferences.AlarmSpecification.Alarms) expect(alarmNames).toContain(name);
  });
});

describe('media origin', () => {
  it('reaches the media bucket through Origin Access Control, signed, with no legacy identity', () => {
    const t = bastion.templates.app;
    t.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    const distribution = Object.values(resourcesOf(t, 'AWS::CloudFront::Distribution'))[0]?.Properties as {
      DistributionConfig: { Origins: { S3OriginConfig?: { OriginAccessIdentity: string }; OriginAccessControlId?: unknown }[] };
    };
    const s3 = distribution.DistributionConfig.Origins.filter((origin) => origin.S3OriginConfig !== undefined);
    expect(s3).toHaveLength(1);
    expect(s3[0]?.OriginAccessControlId).toBeDefined();
    expect(s3[0]?.S3OriginConfig?.OriginAccessIdentity).toBe('');
  });
});

describe('Redis AUTH token', () => {
  it('rotates every 30 days with the ElastiCache ROTATE strategy, and instances live at most 14 days', () => {
    const t = bastion.templates.stateful;
    const schedules = Object.values(resourcesOf(t, 'AWS::SecretsManager::RotationSchedule')).filter((schedule) =>
      JSON.stringify(schedule.Properties?.['SecretId']).includes('CacheAuthToken'),
    );
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.Properties).toMatchObject({ RotationLambdaARN: { 'Fn::GetAtt': [expect.stringMatching(/^CacheRotationFunction/), 'Arn'] }, RotationRules: { ScheduleExpression: 'rate(30 days)' } });
    const code = JSON.stringify(resourcesOf(t, 'AWS::Lambda::Function'));
    expect(code).toContain("AuthTokenUpdateStrategy: 'ROTATE'");
    bastion.templates.app.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MaxInstanceLifetime: 14 * 86_400 });
  });
});

describe('burstable instances', () => {
  it('run t4g instances in unlimited mode, which the cost estimate prices at the CPU target', () => {
    bastion.templates.app.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ CreditSpecification: { CpuCredits: 'unlimited' } }),
    });
  });
});

describe('docs/deploy-aws.md', () => {
  it('shows the database connection figures the code derives, size by size', () => {
    const doc = readFileSync(join(INFRA_DIR, '..', 'docs', 'deploy-aws.md'), 'utf8');
    for (const size of Object.keys(SIZES) as SizeName[]) {
      const preset = SIZES[size];
      const sizing = databaseSizing(preset.dbInstanceClass, preset.maxCapacity);
      expect(doc).toContain(
        `| ${size} | db.${preset.dbInstanceClass} | ${sizing.maxConnections} | ${sizing.alarmThreshold} | ${sizing.processes} | ${sizing.poolSizePerProcess} |`,
      );
    }
  });
});
