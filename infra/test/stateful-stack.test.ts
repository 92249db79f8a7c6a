import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_RETENTION } from '../lib/constructs/backup-plan.js';
import { STAFF_GROUPS } from '../lib/constructs/user-pool.js';
import { resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

let bastion: SynthesizedBastion;
beforeAll(() => {
  bastion = synthBastion();
});

describe('stateful stack', () => {
  it('is termination protected and lives in the configured Region', () => {
    expect(bastion.stateful.terminationProtection).toBe(true);
    expect(bastion.stateful.region).toBe('us-east-1');
    expect(bastion.stateful.account).toBe('123456789012');
  });

  it('rotates every customer-managed key and retains it', () => {
    const keys = bastion.templates.stateful.findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(3);
    for (const key of Object.values(keys)) {
      expect(key).toMatchObject({ Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    }
  });

  it('runs PostgreSQL Multi-AZ, encrypted, private, protected and observed', () => {
    bastion.templates.stateful.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      MultiAZ: true,
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      PubliclyAccessible: false,
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: Match.anyValue(),
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    bastion.templates.stateful.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot' });
  });

  it('forces TLS on the database through its parameter group', () => {
    bastion.templates.stateful.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: Match.objectLike({ 'rds.force_ssl': '1', password_encryption: 'scram-sha-256' }),
    });
  });

  it('places the database in isolated subnets only', () => {
    const groups = resourcesOf(bastion.templates.stateful, 'AWS::RDS::DBSubnetGroup');
    const subnetRefs = JSON.stringify(Object.values(groups).map((group) => group.Properties?.['SubnetIds']));
    expect(subnetRefs).toMatch(/isolated/i);
    expect(subnetRefs).not.toMatch(/private|public/i);
  });

  it('keeps database credentials in Secrets Manager with hosted rotation', () => {
    bastion.templates.stateful.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    // Master, owner and app database roles, Redis AUTH, app settings; each database secret rotates.
    bastion.templates.stateful.resourceCountIs('AWS::SecretsManager::Secret', 5);
    // The three database secrets (hosted rotation) and the Redis AUTH token (rotation function, cache.ts).
    bastion.templates.stateful.resourceCountIs('AWS::SecretsManager::RotationSchedule', 4);
    for (const secret of Object.values(resourcesOf(bastion.templates.stateful, 'AWS::SecretsManager::Secret'))) {
      expect(secret.Properties?.['KmsKeyId']).toBeDefined();
    }
  });

  it('encrypts Redis in transit and at rest, with an AUTH token and a replica in another AZ', () => {
    bastion.templates.stateful.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      KmsKeyId: Match.anyValue(),
      AuthToken: Match.anyValue(),
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      NumCacheClusters: 2,
    });
  });

  it('blocks public access, enforces TLS and encrypts every bucket', () => {
    const buckets = resourcesOf(bastion.templates.stateful, 'AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(5);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties?.['PublicAccessBlockConfiguration']).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties?.['BucketEncryption']).toBeDefined();
    }
    const policies = JSON.stringify(resourcesOf(bastion.templates.stateful, 'AWS::S3::BucketPolicy'));
    const denyInsecure = policies.match(/"aws:SecureTransport":"false"/g) ?? [];
    expect(denyInsecure.length).toBe(Object.keys(buckets).length);
  });

  it('encrypts the media bucket with the data key, versions it, expires old versions and logs access', () => {
    bastion.templates.stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'bastion-media-123456789012-us-east-1',
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: Match.anyValue() })]) },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/media/' }),
    });
  });

  it('lets CloudFront read only the public media prefix', () => {
    const statements = Object.values(resourcesOf(bastion.templates.stateful, 'AWS::S3::BucketPolicy')).flatMap(
      (policy) => (policy.Properties?.['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement,
    );
    const cloudFront = statements.filter((statement) => JSON.stringify(statement['Principal']).includes('cloudfront.amazonaws.com'));
    expect(cloudFront).toHaveLength(1);
    expect(cloudFront[0]?.['Action']).toBe('s3:GetObject');
    expect(JSON.stringify(cloudFront[0]?.['Resource'])).toMatch(/"\/media\/\*"\]\]\}$/);
  });

  it('sets up the Cognito user pool with TOTP MFA, a strong password policy, threat protection and staff groups', () => {
    const t = bastion.templates.stateful;
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      AutoVerifiedAttributes: ['email'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['https://shop.example.com/account/oauth/callback'],
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
    t.resourceCountIs('AWS::Cognito::UserPoolDomain', 2);
    t.resourceCountIs('AWS::Cognito::IdentityPool', 0);
    const groups = Object.values(resourcesOf(t, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties?.['GroupName']);
    expect(groups.sort()).toEqual([...STAFF_GROUPS].sort());
  });

  it('spreads the VPC over the configured AZs with public, private and isolated subnets and flow logs', () => {
    const t = bastion.templates.stateful;
    const subnets = Object.values(resourcesOf(t, 'AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(6);
    expect(new Set(subnets.map((s) => s.Properties?.['AvailabilityZone']))).toEqual(new Set(['us-east-1a', 'us-east-1b']));
    t.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 's3' });
  });

  it('has VPC endpoints for S3, KMS, Secrets Manager, CloudWatch Logs and SSM', () => {
    const endpoints = JSON.stringify(resourcesOf(bastion.templates.stateful, 'AWS::EC2::VPCEndpoint'));
    for (const service of ['.s3', '.kms', '.secretsmanager', '.logs', '.ssm', '.ssmmessages']) {
      expect(endpoints).toContain(`${service}"`);
    }
  });

  it('encrypts log groups with the logs key and sets their retention', () => {
    const groups = Object.values(resourcesOf(bastion.templates.stateful, 'AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(4);
    for (const group of groups) {
      expect(group.Properties?.['KmsKeyId']).toBeDefined();
      expect(group.Properties?.['RetentionInDays']).toBeGreaterThan(0);
    }
  });

  it('records a multi-Region CloudTrail trail, encrypted and validated', () => {
    bastion.templates.stateful.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: Match.anyValue(),
    });
  });

  it('backs up the database with AWS Backup for the stated retention', () => {
    const t = bastion.templates.stateful;
    t.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: Match.anyValue(),
        BackupPlanRule: Match.arrayWith([
          Match.objectLike({ RuleName: 'daily', Lifecycle: { DeleteAfterDays: BACKUP_RETENTION.dailyDays } }),
          Match.objectLike({ RuleName: 'monthly', Lifecycle: { DeleteAfterDays: BACKUP_RETENTION.monthlyDays } }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: Match.anyValue() });
    t.resourceCountIs('AWS::Backup::BackupSelection', 1);
  });

  it('offers a deploy role and a read-only operator role that both require MFA', () => {
    const roles = Object.values(resourcesOf(bastion.templates.stateful, 'AWS::IAM::Role')).filter((role) =>
      /Bastion (deploy|operator)/.test(String(role.Properties?.['Description'])),
    );
    expect(roles).toHaveLength(2);
    for (const role of roles) {
      expect(JSON.stringify(role.Properties?.['AssumeRolePolicyDocument'])).toContain('"aws:MultiFactorAuthPresent":"true"');
    }
  });
});
