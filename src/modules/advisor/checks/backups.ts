import type { CheckGroup } from '../advisor.types.js';

/** Backups of the database: an AWS Backup plan on AWS; otherwise the operator's own. */
export const backupChecks: CheckGroup = ({ config }) => {
  const { planId, awsRegion } = config.backup;
  if (planId !== undefined) {
    return [{ id: 'backups', title: 'Backups', status: 'pass', detail: `AWS Backup plan ${planId}${awsRegion ? ` in ${awsRegion}` : ''} (RDS snapshots and point-in-time recovery)` }];
  }
  if (awsRegion !== undefined) {
    return [{
      id: 'backups', title: 'Backups', status: config.nodeEnv === 'production' ? 'fail' : 'warn', detail: 'running on AWS without a backup plan',
      fix: 'Deploy the stateful stack (it creates an AWS Backup plan) and set BACKUP_PLAN_ID to its id.',
    }];
  }
  return [{
    id: 'backups', title: 'Backups', status: 'warn',
    detail: config.database.kind === 'pglite' ? 'embedded database: nothing backs up DATA_DIR' : 'no backup plan is configured for PostgreSQL',
    fix: config.database.kind === 'pglite'
      ? 'Copy DATA_DIR (pg/, objects/, keys/) somewhere safe while the app is stopped, on a schedule.'
      : 'Schedule pg_dump or server snapshots, then set BACKUP_PLAN_ID to record where they are.',
  }];
};
