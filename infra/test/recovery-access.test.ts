import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { cfnExecutionPolicy, SERVICE_PREFIXES } from '../lib/config/cfn-execution-policy.js';
import { BACKUP_RETENTION, RECOVERY_VAULT_NAME } from '../lib/constructs/backup-plan.js';
import { INSTANCE_TASKS, TASK_DOCUMENT_NAME } from '../lib/constructs/access-roles.js';
import { OPS_PROJECT_NAME, RESTORE_CHECK_SECRET_NAME } from '../lib/constructs/release-operations.js';
import { inlineStatements, resourceText } from './support/policies.js';
import { INFRA_DIR, resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

let bastion: SynthesizedBastion;
beforeAll(() => {
  bastion = synthBastion();
});

describe('backups in a second Region', () => {
  it('copies every daily and monthly recovery point to the recovery vault in the other Region', () => {
    expect(bastion.recovery.region).toBe('us-west-2');
    const plan = Object.values(resourcesOf(bastion.templates.stateful, 'AWS::Backup::BackupPlan'))[0]?.Properties?.['BackupPlan'] as {
      BackupPlanRule: { RuleName: string; CopyActions: { DestinationBackupVaultArn: string; Lifecycle: { DeleteAfterDays: number } }[] }[];
    };
    for (const rule of plan.BackupPlanRule) {
      expect(rule.CopyActions, rule.RuleName).toHaveLength(1);
      expect(rule.CopyActions[0]?.DestinationBackupVaultArn).toBe(`arn:aws:backup:us-west-2:123456789012:backup-vault:${RECOVERY_VAULT_NAME}`);
    }
    expect(plan.BackupPlanRule.map((rule) => rule.CopyActions[0]?.Lifecycle.DeleteAfterDays).sort()).toEqual(
      [BACKUP_RETENTION.dailyDays, BACKUP_RETENTION.monthlyDays].sort(),
    );
    bastion.templates.recovery.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: RECOVERY_VAULT_NAME,
      EncryptionKeyArn: Match.anyValue(),
    });
    bastion.templates.recovery.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    expect(bastion.recovery.terminationProtection).toBe(true);
  });

  it('locks both vaults when asked: governance without a grace period, compliance with one', () => {
    bastion.templates.stateful.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: Match.absent() });
    const governance = synthBastion({ 'bastion:backupVaultLock': 'governance' });
    for (const t of [governance.templates.stateful, governance.templates.recovery]) {
      t.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: Match.absent() } });
    }
    const compliance = synthBastion({ 'bastion:backupVaultLock': 'compliance' });
    compliance.templates.recovery.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: Match.objectLike({ ChangeableForDays: 3 }) });
  });
});

describe('deploy role and Session Manager', () => {
  it('lets the deploy role assume only the bootstrap deploy, publishing and lookup roles, never the execution role', () => {
    const statements = inlineStatements(bastion.templates.stateful, 'AccessDeployRole');
    const assume = statements.find((statement) => statement.Sid === 'AssumeCdkBootstrapRoles');
    const resources = (assume?.Resource as string[]).map(resourceText);
    // The shop Region is us-east-1 here, which is also the edge Region; the copy Region is us-west-2.
    expect(resources.length).toBe(6);
    for (const resource of resources) {
      expect(resource).toMatch(/role\/cdk-hnb659fds-(deploy-role|file-publishing-role|lookup-role)-123456789012-(us-east-1|us-west-2)$/);
      expect(resource).not.toContain('*');
    }
    expect(JSON.stringify(statements)).not.toContain('cfn-exec');
  });

  it('opens sessions only through the task document, as the bastion user, never a shell', () => {
    const statements = inlineStatements(bastion.templates.stateful, 'AccessDeployRole');
    const sessions = statements.filter((statement) => [statement.Action].flat().includes('ssm:StartSession'));
    expect(JSON.stringify(sessions)).not.toMatch(/AWS-StartInteractiveCommand|SSM-SessionManagerRunShell|AWS-StartSSHSession/);
    const instance = sessions.find((statement) => statement.Sid === 'SessionsOnAppInstances');
    expect(instance?.Condition).toMatchObject({ Bool: { 'ssm:SessionDocumentAccessCheck': 'true' } });
    const document = Object.values(resourcesOf(bastion.templates.stateful, 'AWS::SSM::Document'))[0]?.Properties as {
      Name: string;
      Content: { sessionType: string; parameters: { task: { allowedValues: string[] } }; properties: { linux: { commands: string; runAsElevated: boolean } } };
    };
    expect(document.Name).toBe(TASK_DOCUMENT_NAME);
    expect(document.Content.sessionType).toBe('InteractiveCommands');
    expect(document.Content.parameters.task.allowedValues).toEqual([...INSTANCE_TASKS]);
    expect(document.Content.properties.linux).toEqual({
      commands: 'sudo -n -u bastion /opt/bastion/bin/with-env npm run {{ task }} -- {{ args }}',
      runAsElevated: false,
    });
  });

  it('gives ssm-user on the instances sudo to the bastion user only', () => {
    const launch = JSON.stringify(resourcesOf(bastion.templates.app, 'AWS::EC2::LaunchTemplate'));
    expect(launch).toContain('ssm-user ALL=(bastion) NOPASSWD: /opt/bastion/bin/with-env');
    expect(launch).not.toMatch(/ssm-user ALL=\(ALL\)/);
  });
});

describe('restore runbook script', () => {
  it('restores into a new instance and checks it through the database operations project', () => {
    const path = join(INFRA_DIR, 'scripts', 'restore-database.sh');
    execFileSync('bash', ['-n', path]);
    const script = readFileSync(path, 'utf8');
    expect(script).toContain('restore-db-instance-to-point-in-time');
    expect(script).toContain('restore-db-instance-from-db-snapshot');
    expect(script).toContain(`--project-name ${OPS_PROJECT_NAME}`);
    expect(script).toContain(`--secret-id ${RESTORE_CHECK_SECRET_NAME}`);
    expect(script).toContain('OPS_TASK,value=restore-check');
    // It never modifies or deletes the running database.
    expect(script).not.toMatch(/(modify|delete)-db-instance --db-instance-identifier bastion-db\b/);
  });
});

describe('CloudFormation execution policy for cdk bootstrap', () => {
  it('covers every resource type the stacks deploy, and IAM only on the app\'s own names', () => {
    const everything = synthBastion({
      'bastion:globalAccelerator': 'true',
      'bastion:hostedZoneId': 'Z0000000000000000000',
      'bastion:repository': 'example/bastion',
      'bastion:connectionArn': 'arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-0000-4000-8000-000000000000',
    });
    const namespaces = new Set<string>();
    for (const template of Object.values(everything.templates)) {
      if (template === undefined) continue;
      for (const resource of Object.values(template.toJSON()['Resources'] as Record<string, { Type: string }>)) {
        const [owner, namespace] = resource.Type.split('::');
        if (owner === 'AWS' && namespace !== 'CDK' && namespace !== undefined) namespaces.add(namespace);
      }
    }
    const policy = cfnExecutionPolicy('123456789012');
    const allowed = new Set(
      policy.Statement.filter((statement) => statement.Sid === 'AppServices').flatMap((statement) => [statement.Action].flat()),
    );
    for (const namespace of namespaces) {
      if (namespace === 'IAM') continue;
      const prefixes = SERVICE_PREFIXES[namespace];
      expect(prefixes, `AWS::${namespace} has an IAM prefix in SERVICE_PREFIXES`).toBeDefined();
      for (const prefix of prefixes ?? []) expect(allowed.has(`${prefix}:*`), prefix).toBe(true);
    }
    const iam = policy.Statement.find((statement) => statement.Sid === 'OwnRolesPoliciesAndUsers');
    for (const resource of [iam?.Resource].flat()) expect(resource).toMatch(/:(role|policy|user|instance-profile)\/(Bastion|bastion|cdk-hnb659fds-)\*$/);
    expect(allowed.has('iam:*')).toBe(false);
    // Role names CDK generates start with the stack name, which the pattern covers.
    const roleNames = Object.values(resourcesOf(everything.templates.stateful, 'AWS::IAM::Role')).map((role) => role.Properties?.['RoleName']).filter(Boolean);
    for (const name of roleNames) expect(String(name)).toMatch(/^bastion/);
  });
});
