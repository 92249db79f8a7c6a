import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { BastionConfig } from '../config/bastion-config.js';
import { RECOVERY_VAULT_NAME, vaultLockOf } from '../constructs/backup-plan.js';

export interface RecoveryStackProps extends StackProps {
  readonly config: BastionConfig;
}

/**
 * The second Region's half of the backups: a vault that receives a copy of every database recovery point,
 * encrypted with a key of that Region (a key cannot leave its Region). Retained on delete, and locked
 * like the primary vault when `bastion:backupVaultLock` says so. docs/deploy-aws.md "Recovery" restores
 * from it when the primary Region is lost.
 */
export class RecoveryStack extends Stack {
  readonly vault: backup.BackupVault;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: RecoveryStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    this.key = new kms.Key(this, 'RecoveryKey', {
      alias: 'alias/bastion/recovery',
      description: 'Bastion backup copies in the recovery Region',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    const lockConfiguration = vaultLockOf(props.config.backupVaultLock);
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: RECOVERY_VAULT_NAME,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(lockConfiguration ? { lockConfiguration } : {}),
    });
  }
}
