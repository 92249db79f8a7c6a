import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CACHED_API_PATHS, SESSION_COOKIE, UNCACHED_PATHS } from '../lib/constructs/distribution.js';
import { asList, inlineStatements, resourceText } from './support/policies.js';
import { resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

let bastion: SynthesizedBastion;

/** The launch template's user data as text, with CloudFormation tokens shown as `<token>`. */
function userDataOf(template: Template): string {
  const templates = Object.values(resourcesOf(template, 'AWS::EC2::LaunchTemplate'));
  const data = templates[0]?.Properties?.['LaunchTemplateData'] as { UserData: { 'Fn::Base64': { 'Fn::Join': [string, unknown[]] } } };
  return data.UserData['Fn::Base64']['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
}
beforeAll(() => {
  bastion = synthBastion();
});

/**
 * Every wildcard the instance role may hold, by statement id, with the reason it cannot be narrower.
 * A new wildcard fails the test until it is added here with its reason (and acknowledged for cdk-nag).
 */
const ALLOWED_WILDCARD_STATEMENTS: Readonly<Record<string, string>> = {
  MediaObjects: 'the app owns every object of its own bucket',
  MetricsInOwnNamespaces: 'PutMetricData has no resource type; a namespace condition limits it',
  SessionManagerRegistration: 'instance ids are unknown before Auto Scaling launches them; a tag condition limits it',
  SessionManagerChannels: 'ssmmessages actions have no resource types',
};

describe('app stack', () => {
  it('puts the ALB inside the VPC with HTTPS on a modern TLS policy and HTTP redirected', () => {
    const t = bastion.templates.app;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      Certificates: [Match.anyValue()],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }) }),
      ],
    });
    const listeners = Object.values(resourcesOf(t, 'AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners).toHaveLength(2);
  });

  it('checks instance health on the liveness path /healthz, which never touches the database', () => {
    bastion.templates.app.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      HealthCheckPath: '/healthz',
    });
  });

  it('launches instances with IMDSv2 required, encrypted EBS, no key pair and no public address', () => {
    bastion.templates.app.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) })],
        Monitoring: { Enabled: true },
        KeyName: Match.absent(),
      }),
    });
  });

  it('runs the release as a systemd service in production mode with its configuration', () => {
    const userData = userDataOf(bastion.templates.app);
    expect(userData).toContain('releases/bastion-0.1.0.tgz');
    expect(userData).toContain('/etc/systemd/system/bastion.service');
    expect(userData).toContain('systemctl enable --now bastion.service bastion-worker.service bastion-audit-check.timer');
    for (const setting of ['NODE_ENV=production', 'STORAGE=s3', 'S3_BUCKET=', 'KEYS=aws-kms', 'KMS_KEY_ID=', 'AUTH_PROVIDER=cognito',
      'SECRETS_ARN=', 'METRICS=emf', 'TRUST_PROXY=10.40.0.0/16', 'REDIS_HOST=', 'DATABASE_SECRET_ARN=', 'BACKUP_PLAN_ID=', 'CDN=cloudfront', 'CDN_DISTRIBUTION_ID=']) {
      expect(userData).toContain(setting);
    }
    // The database password is never put in the environment: the app fetches it per connection.
    expect(userData).not.toContain('DATABASE_URL=');
    expect(userData).toContain('DATABASE_SSL_CA=/opt/bastion/current/certs/rds-global-bundle.pem');
    expect(userData).toContain('rediss://');
  });

  it('scales on CPU and on requests per target, and leaves rolling a release to the instance refresh', () => {
    const t = bastion.templates.app;
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
      }),
    });
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
    t.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      Properties: Match.objectLike({ HealthCheckType: 'ELB', MinSize: '2', MaxSize: '4' }),
      UpdatePolicy: { AutoScalingRollingUpdate: Match.absent(), AutoScalingScheduledAction: Match.anyValue() },
      CreationPolicy: Match.objectLike({ ResourceSignal: Match.objectLike({ Count: 2 }) }),
    });
  });

  it('serves the shop through CloudFront with the edge WebACL, HTTPS and logging', () => {
    bastion.templates.app.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['shop.example.com'],
        WebACLId: { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'BastionEdge', Region: 'us-east-1' }) },
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
  });

  it('reaches the ALB through a CloudFront VPC origin over HTTPS only', () => {
    bastion.templates.app.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
    });
  });

  it('caches pages by the app\'s Cache-Control with the session cookie in the key, and never caches personal paths', () => {
    const t = bastion.templates.app;
    t.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          CookiesConfig: { CookieBehavior: 'whitelist', Cookies: [SESSION_COOKIE] },
        }),
      }),
    });
    const config = Object.values(resourcesOf(t, 'AWS::CloudFront::Distribution'))[0]?.Properties?.['DistributionConfig'] as {
      CacheBehaviors: { PathPattern: string; CachePolicyId: string; AllowedMethods: string[]; TargetOriginId: string }[];
    };
    const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
    for (const path of UNCACHED_PATHS) {
      const behavior = config.CacheBehaviors.find((candidate) => candidate.PathPattern === path);
      expect(behavior, path).toBeDefined();
      expect(behavior?.CachePolicyId).toBe(cachingDisabled);
      expect(behavior?.AllowedMethods).toContain('POST');
    }
    const media = config.CacheBehaviors.find((candidate) => candidate.PathPattern === '/media/*');
    expect(media?.AllowedMethods).toEqual(['GET', 'HEAD']);
    // The app's own session cookie name over HTTPS is in the key, so signed-in copies never mix with anonymous ones.
    expect(SESSION_COOKIE).toBe('__Host-session');
    // The public catalog API follows the app's Cache-Control, matched before the uncached /api/*.
    const order = config.CacheBehaviors.map((b) => b.PathPattern);
    const pages = config.CacheBehaviors.find((b) => b.PathPattern === CACHED_API_PATHS[0])?.CachePolicyId;
    for (const path of CACHED_API_PATHS) {
      expect(order.indexOf(path), path).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(path)).toBeLessThan(order.indexOf('/api/*'));
      expect(config.CacheBehaviors.find((b) => b.PathPattern === path)?.CachePolicyId).not.toBe(cachingDisabled);
      expect(config.CacheBehaviors.find((b) => b.PathPattern === path)?.CachePolicyId).toEqual(pages);
    }
    t.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
  });

  it('gives the instance role least privilege: no wildcard actions, and wildcard resources only with a reason', () => {
    const statements = inlineStatements(bastion.templates.app, 'InstanceRole');
    expect(statements.length).toBeGreaterThan(8);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      for (const action of asList(statement.Action)) expect(action, statement.Sid).not.toContain('*');
      const wildcard = asList(statement.Resource).some((resource) => resourceText(resource).includes('*'));
      if (wildcard) expect(ALLOWED_WILDCARD_STATEMENTS, `${statement.Sid} has a wildcard resource`).toHaveProperty(statement.Sid ?? '?');
    }
    const metrics = statements.find((statement) => statement.Sid === 'MetricsInOwnNamespaces');
    expect(metrics?.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': ['Bastion', 'Bastion/System'] } });
    const dataKey = statements.find((statement) => statement.Sid === 'DataKeyViaS3AndSecrets');
    expect(JSON.stringify(dataKey?.Condition)).toContain('kms:ViaService');
    const invalidate = statements.find((statement) => statement.Sid === 'InvalidateOwnDistribution');
    expect(resourceText(invalidate?.Resource)).toContain('CdnDistribution');
  });

  it('attaches no managed policy to the instance role', () => {
    const roles = Object.entries(resourcesOf(bastion.templates.app, 'AWS::IAM::Role')).filter(([id]) => id.startsWith('InstanceRole'));
    expect(roles).toHaveLength(1);
    expect(roles[0]?.[1].Properties?.['ManagedPolicyArns']).toBeUndefined();
  });

  it('raises alarms to an encrypted SNS topic', () => {
    const t = bastion.templates.app;
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(resourcesOf(t, 'AWS::CloudWatch::Alarm'));
    // An alarm on a labelled metric renders as a metric-data query, so look in both shapes.
    const names = alarms.flatMap((alarm) => [
      String(alarm.Properties?.['MetricName']),
      ...((alarm.Properties?.['Metrics'] ?? []) as { MetricStat?: { Metric: { MetricName: string } } }[]).map(
        (query) => query.MetricStat?.Metric.MetricName ?? '',
      ),
    ]);
    for (const metric of ['HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime', 'HealthyHostCount',
      'CPUUtilization', 'FreeStorageSpace', 'DatabaseConnections', 'DatabaseMemoryUsagePercentage', 'PaymentFailures']) {
      expect(names, metric).toContain(metric);
    }
    for (const alarm of alarms) expect(alarm.Properties?.['AlarmActions']).toHaveLength(1);
  });

  it('builds a dashboard with traffic, errors, latency, hosts, data tier, WAF and business metrics', () => {
    const body = JSON.stringify(bastion.templates.app.toJSON().Resources);
    for (const metric of ['RequestCount', 'TargetResponseTime', 'HealthyHostCount', 'DatabaseConnections', 'FreeStorageSpace',
      'EngineCPUUtilization', 'BlockedRequests', 'OrdersPlaced', 'PaymentFailures']) {
      expect(body).toContain(`\\"${metric}\\"`);
    }
  });

  it('adds no Global Accelerator or regional WebACL when the flag is off', () => {
    bastion.templates.app.resourceCountIs('AWS::GlobalAccelerator::Accelerator', 0);
    bastion.templates.app.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});
