import type { CheckGroup } from '../advisor.types.js';
import { awsChecks } from './aws.js';
import { backupChecks } from './backups.js';
import { identityChecks } from './identity.js';
import { keyChecks } from './keys.js';
import { limitChecks } from './limits.js';
import { mailChecks } from './mail.js';
import { metricsChecks } from './metrics.js';
import { runtimeChecks } from './runtime.js';
import { secretChecks } from './secrets.js';
import { transportChecks } from './transport.js';

/** Every check group, in report order. A later feature adds its group here. */
export const checkGroups: readonly CheckGroup[] = [
  transportChecks,
  secretChecks,
  keyChecks,
  runtimeChecks,
  identityChecks,
  limitChecks,
  backupChecks,
  mailChecks,
  metricsChecks,
  awsChecks,
];
