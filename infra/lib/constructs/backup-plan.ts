import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { iam4Policy } from '../nag-ids.js';

/** Retention of the AWS Backup copies, stated here once and in docs/deploy-aws.md. */
export const BACKUP_RETENTION = { dailyDays: 35, monthlyDays: 365 } as const;

/** Name of the vault in the second Region that receives copies (recovery-stack.ts creates it). */
export const RECOVERY_VAULT_NAME = 'bastion-recovery';

export interface DatabaseBackupProps {
  readonly database: rds.IDatabaseInstance;
  readonly encryptionKey: kms.IKey;
  /** The second Region: every recovery point is copied to the vault there. */
  readonly copyRegion: string;
  readonly vaultLock: 'off' | 'governance' | 'compliance';
}

/**
 * AWS Backup's vault lock: governance mode (no `changeableFor`) can be lifted by a principal allowed
 * `backup:DeleteBackupVaultLockConfiguration`; compliance mode becomes immutable after `changeableFor`.
 */
export function vaultLockOf(mode: 'off' | 'governance' | 'compliance'): backup.LockConfiguration | undefined {
  if (mode === 'off') return undefined;
  const retention = { minRetention: Duration.days(7), maxRetention: Duration.days(BACKUP_RETENTION.monthlyDays) };
  return mode === 'compliance' ? { ...retention, changeableFor: Duration.days(3) } : retention;
}

/**
 * AWS Backup for the database, on top of RDS's own point-in-time recovery: daily copies kept 35 days and
 * monthly copies kept a year, in a vault encrypted with the data key that survives a stack deletion, and
 * each copied to a vault in a second Region (a Regional outage or a compromised Region loses neither).
 * With `bastion:backupVaultLock`, both vaults refuse early deletion.
 * (The media bucket is protected by versioning; see its lifecycle rules.)
 */
export class DatabaseBackup extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);
    const lockConfiguration = vaultLockOf(props.vaultLock);
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(lockConfiguration ? { lockConfiguration } : {}),
    });
    const { account, partition } = Stack.of(this);
    const copyVault = backup.BackupVault.fromBackupVaultArn(
      this,
      'CopyVault',
      `arn:${partition}:backup:${props.copyRegion}:${account}:backup-vault:${RECOVERY_VAULT_NAME}`,
    );
    const copyTo = (days: number): backup.BackupPlanCopyActionProps[] => [{ destinationBackupVault: copyVault, deleteAfter: Duration.days(days) }];
    this.plan = new backup.BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'daily',
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '4' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(4),
        deleteAfter: Duration.days(BACKUP_RETENTION.dailyDays),
        copyActions: copyTo(BACKUP_RETENTION.dailyDays),
      }),
    );
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'monthly',
        scheduleExpression: events.Schedule.cron({ minute: '0', hour: '5', day: '1' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(8),
        deleteAfter: Duration.days(BACKUP_RETENTION.monthlyDays),
        copyActions: copyTo(BACKUP_RETENTION.monthlyDays),
      }),
    );
    const selection = this.plan.addSelection('Database', {
      resources: [backup.BackupResource.fromRdsDatabaseInstance(props.database)],
    });
    Validations.of(selection).acknowledge({
      id: iam4Policy('service-role/AWSBackupServiceRolePolicyForBackup'),
      reason: 'The service role AWS Backup documents for taking backups; AWS keeps it current as services add backup APIs.',
    });
  }
}
