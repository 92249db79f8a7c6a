import { beforeAll, describe, expect, it } from 'vitest';
import { APP_METRICS_NAMESPACE } from '../lib/constructs/app-metrics.js';
import { resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

interface AlarmJson {
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Dimensions?: unknown[];
  readonly Statistic?: string;
  readonly Period?: number;
  readonly Threshold: number;
  readonly EvaluationPeriods: number;
  readonly ComparisonOperator: string;
  readonly TreatMissingData?: string;
  readonly AlarmActions: unknown[];
  readonly OKActions?: unknown[];
  readonly AlarmDescription?: string;
}

let bastion: SynthesizedBastion;
beforeAll(() => {
  bastion = synthBastion({
    'bastion:repository': 'example/bastion',
    'bastion:connectionArn': 'arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-0000-4000-8000-000000000000',
    'bastion:staging': '210987654321/eu-west-1/staging.shop.example.com',
  });
});

const alarmsOn = (metricName: string): AlarmJson[] =>
  Object.values(resourcesOf(bastion.templates.app, 'AWS::CloudWatch::Alarm'))
    .map((alarm) => alarm.Properties as unknown as AlarmJson)
    .filter((alarm) => alarm.Namespace === APP_METRICS_NAMESPACE && alarm.MetricName === metricName);

const topicId = (): string => {
  const topics = Object.keys(resourcesOf(bastion.templates.app, 'AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  return topics[0]!;
};

describe('payment pages (PCI DSS 11.6.1): alarms', () => {
  it.each([
    ['PaymentPageCspViolations', 'CSP violation reports from payment pages'],
    ['PaymentPageTamper', 'differences the scheduled tamper check found'],
  ])('alarms on the app metric Bastion/%s (%s): any in 5 minutes, to the alarm topic and back', (metricName) => {
    const alarms = alarmsOn(metricName);
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]!;
    // The app writes these EMF metrics without dimensions (src/http/security-metrics.ts, page-integrity).
    expect(alarm.Dimensions ?? []).toEqual([]);
    expect(alarm).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 0, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    expect(JSON.stringify(alarm.AlarmActions)).toContain(topicId());
    expect(JSON.stringify(alarm.OKActions)).toContain(topicId());
    expect(alarm.AlarmDescription).toMatch(/payment page/i);
  });

  it('publishes the configured providers for the release’s pages:verify', () => {
    const outputs = bastion.templates.app.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.Payments?.Value).toBe(bastion.config.payments);
  });
});

describe('payment pages (PCI DSS 11.6.1): each deploy verifies them', () => {
  it('runs npm run pages:verify against the environment after the instance refresh', () => {
    const project = Object.values(resourcesOf(bastion.templates.pipeline!, 'AWS::CodeBuild::Project'))[0]?.Properties as { Source: { BuildSpec: string } };
    const script = (JSON.parse(project.Source.BuildSpec) as { phases: { build: { commands: string[] } } }).phases.build.commands.join('\n');
    const refresh = script.indexOf('run_ops refresh');
    const verify = script.indexOf('npm run pages:verify');
    expect(refresh).toBeGreaterThan(0);
    expect(verify).toBeGreaterThan(refresh);
    expect(script.slice(refresh, verify + 30)).toMatch(/PUBLIC_URL="https:\/\/\$STAGE_DOMAIN" PAYMENTS="\$\(node -p .*BastionApp\.Payments.*\)" npm run pages:verify/);
  });
});
