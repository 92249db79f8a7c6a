import { beforeAll, describe, expect, it } from 'vitest';
import { TRAIL_NAME } from '../lib/constructs/audit-trail.js';
import { asList, type PolicyStatementJson } from './support/policies.js';
import { synthBastion, type SynthesizedBastion } from './support/synth.js';

type StackName = 'stateful' | 'edge' | 'app' | 'recovery' | 'pipeline';
interface ResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
interface KeyUser {
  readonly stack: StackName;
  readonly type: string;
  readonly logicalId: string;
  readonly resource: ResourceJson;
}
interface KeyJson {
  readonly stack: StackName;
  readonly logicalId: string;
  readonly statements: PolicyStatementJson[];
}

let bastion: SynthesizedBastion;
let keys: KeyJson[];
/** Every resource of any stack that names a key (directly, or through a cross-stack output carrying its logical id). */
let users: Map<string, KeyUser[]>;

beforeAll(() => {
  bastion = synthBastion({
    'bastion:globalAccelerator': 'true',
    'bastion:repository': 'example/bastion',
    'bastion:connectionArn': 'arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-0000-4000-8000-000000000000',
  });
  const templates = Object.entries(bastion.templates).filter(([, template]) => template !== undefined) as [StackName, (typeof bastion.templates)['app']][];
  keys = templates.flatMap(([stack, template]) =>
    Object.entries(template.findResources('AWS::KMS::Key')).map(([logicalId, key]) => ({
      stack,
      logicalId,
      statements: (key['Properties'] as { KeyPolicy: { Statement: PolicyStatementJson[] } }).KeyPolicy.Statement,
    })),
  );
  users = new Map(keys.map((key) => [key.logicalId, []]));
  for (const [stack, template] of templates) {
    for (const [logicalId, resource] of Object.entries(template.toJSON()['Resources'] as Record<string, ResourceJson>)) {
      if (resource.Type === 'AWS::KMS::Key' || resource.Type === 'AWS::KMS::Alias') continue;
      const text = JSON.stringify(resource.Properties ?? {});
      for (const key of keys) {
        if (text.includes(key.logicalId)) users.get(key.logicalId)?.push({ stack, type: resource.Type, logicalId, resource });
      }
    }
  }
});

const principalOf = (statement: PolicyStatementJson & { Principal?: unknown }): string => JSON.stringify(statement.Principal ?? '');
const actionsOf = (statement: PolicyStatementJson): string[] => asList(statement.Action);

/** A statement of the key policy that lets `principal` (a substring of the Principal JSON) do every one of `actions`. */
function allows(key: KeyJson, principal: string, actions: readonly string[]): PolicyStatementJson | undefined {
  return key.statements.find(
    (statement) =>
      statement.Effect === 'Allow' &&
      principalOf(statement).includes(principal) &&
      actions.every((action) => actionsOf(statement).some((granted) => granted === action || granted === 'kms:*' || (granted.endsWith('*') && action.startsWith(granted.slice(0, -1))))),
  );
}

/**
 * Services that create grants for themselves when the deploying principal (CloudFormation's execution role,
 * authorised by IAM) creates the resource: RDS, ElastiCache, Secrets Manager, AWS Backup, S3 with SSE-KMS
 * for principals that hold an IAM grant. They work as long as the key policy delegates to the account's IAM.
 */
function delegatesToAccountIam(key: KeyJson): boolean {
  return key.statements.some(
    (statement) => statement.Effect === 'Allow' && principalOf(statement).includes(':root') && actionsOf(statement).includes('kms:*'),
  );
}

/** What each kind of resource needs from the key it names; a kind missing here fails the walk. */
const NEEDS: Readonly<Record<string, (key: KeyJson, user: KeyUser) => void>> = {
  'AWS::CloudTrail::Trail': (key) => {
    const encrypt = allows(key, 'cloudtrail.amazonaws.com', ['kms:GenerateDataKey']);
    expect(encrypt, 'CloudTrail may generate data keys').toBeDefined();
    expect(JSON.stringify(encrypt?.Condition)).toContain(`trail/${TRAIL_NAME}`);
    expect(JSON.stringify(encrypt?.Condition)).toContain('kms:EncryptionContext:aws:cloudtrail:arn');
    expect(allows(key, 'cloudtrail.amazonaws.com', ['kms:DescribeKey']), 'CloudTrail may describe the key').toBeDefined();
  },
  'AWS::Logs::LogGroup': (key) => {
    const logs = allows(key, 'logs.', ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']);
    expect(logs, 'CloudWatch Logs may use the key').toBeDefined();
    expect(JSON.stringify(logs?.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
  },
  'AWS::SNS::Topic': (key, user) => {
    expect(allows(key, 'cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey']), 'CloudWatch alarms may publish').toBeDefined();
    if (user.stack === 'app') {
      expect(allows(key, 'events.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey']), 'EventBridge may publish findings').toBeDefined();
      const autoScaling = key.statements.find((statement) => JSON.stringify(statement.Condition ?? {}).includes('AWSServiceRoleForAutoScaling'));
      expect(autoScaling && actionsOf(autoScaling), 'Auto Scaling may publish notifications').toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    }
  },
  'AWS::S3::Bucket': (key, user) => {
    expect(delegatesToAccountIam(key)).toBe(true);
    if (user.logicalId.startsWith('Media')) {
      expect(allows(key, 'cloudfront.amazonaws.com', ['kms:Decrypt']), 'CloudFront OAC may decrypt media').toBeDefined();
    }
    if (user.logicalId.startsWith('Audit')) {
      expect(allows(key, 'cloudtrail.amazonaws.com', ['kms:GenerateDataKey']), 'CloudTrail may write its bucket').toBeDefined();
    }
  },
  'AWS::RDS::DBInstance': (key) => expect(delegatesToAccountIam(key)).toBe(true),
  'AWS::ElastiCache::ReplicationGroup': (key) => expect(delegatesToAccountIam(key)).toBe(true),
  'AWS::SecretsManager::Secret': (key) => expect(delegatesToAccountIam(key)).toBe(true),
  // The hosted rotation function's role is generated by the Secrets Manager transform with this key's ARN.
  'AWS::SecretsManager::RotationSchedule': (_key, user) => {
    expect(JSON.stringify(user.resource.Properties)).toContain('KmsKeyArn');
  },
  'AWS::Backup::BackupVault': (key) => expect(delegatesToAccountIam(key)).toBe(true),
  // CodeBuild encrypts with the key as the project's service role, which must hold exact kms actions.
  'AWS::CodeBuild::Project': (key, user) => {
    const roleRef = JSON.stringify(user.resource.Properties?.['ServiceRole']);
    const roleId = /"([A-Za-z0-9]+Role[A-Za-z0-9]*)"/.exec(roleRef)?.[1] ?? '';
    const grants = (users.get(key.logicalId) ?? []).filter(
      (other) => other.type === 'AWS::IAM::Policy' && JSON.stringify(other.resource.Properties?.['Roles']).includes(roleId),
    );
    expect(grants.length, `${user.logicalId}'s role holds ${key.logicalId}`).toBeGreaterThan(0);
  },
  // CodePipeline encrypts artifacts as its service role.
  'AWS::CodePipeline::Pipeline': (key) => {
    expect((users.get(key.logicalId) ?? []).some((other) => other.type === 'AWS::IAM::Policy' && other.logicalId.startsWith('PipelineRole'))).toBe(true);
  },
  // The instances are told the app key (KMS_KEY_ID); their role must then hold it.
  'AWS::EC2::LaunchTemplate': (key) => {
    expect((users.get(key.logicalId) ?? []).some((other) => other.type === 'AWS::IAM::Policy' && other.logicalId.startsWith('InstanceRole'))).toBe(true);
  },
  'AWS::IAM::Policy': (key, user) => {
    const statements = (user.resource.Properties?.['PolicyDocument'] as { Statement: PolicyStatementJson[] }).Statement.filter((statement) =>
      JSON.stringify(statement.Resource).includes(key.logicalId),
    );
    expect(statements.length, `${user.logicalId} names ${key.logicalId}`).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(actionsOf(statement).every((action) => action.startsWith('kms:') && action !== 'kms:*')).toBe(true);
      // The data key is used through S3 and Secrets Manager only; the app key directly (envelope encryption).
      if (key.logicalId.includes('DataKey')) expect(JSON.stringify(statement.Condition)).toContain('kms:ViaService');
      expect(actionsOf(statement).some((action) => action.includes('*')), `${user.logicalId}: exact kms actions`).toBe(false);
    }
  },
};

describe('customer-managed keys', () => {
  it('let every service that uses a key do what it needs, by key policy or by grant', () => {
    const unknown: string[] = [];
    for (const key of keys) {
      for (const user of users.get(key.logicalId) ?? []) {
        const need = NEEDS[user.type];
        if (need === undefined) {
          unknown.push(`${user.stack}/${user.logicalId} (${user.type}) uses ${key.logicalId}`);
          continue;
        }
        need(key, user);
      }
    }
    expect(unknown, 'a resource type uses a key without a rule in NEEDS').toEqual([]);
  });

  it('are each used by something, and the logs key by CloudTrail, CloudWatch Logs and the alarm topic', () => {
    for (const key of keys) expect(users.get(key.logicalId)?.length, key.logicalId).toBeGreaterThan(0);
    const logsKey = keys.find((key) => key.logicalId.startsWith('KeysLogsKey'));
    const types = new Set((users.get(logsKey?.logicalId ?? '') ?? []).map((user) => user.type));
    expect([...types].sort()).toEqual(expect.arrayContaining(['AWS::CloudTrail::Trail', 'AWS::Logs::LogGroup', 'AWS::SNS::Topic']));
  });

  it('give the instance role the app key directly and the data key only through S3 and Secrets Manager', () => {
    const dataKey = keys.find((key) => key.logicalId.startsWith('KeysDataKey'));
    const appKey = keys.find((key) => key.logicalId.startsWith('KeysAppKey'));
    const instancePolicies = (id: string | undefined) => (users.get(id ?? '') ?? []).filter((user) => user.logicalId.startsWith('InstanceRole'));
    expect(instancePolicies(dataKey?.logicalId)).toHaveLength(1);
    expect(instancePolicies(appKey?.logicalId)).toHaveLength(1);
  });
});
