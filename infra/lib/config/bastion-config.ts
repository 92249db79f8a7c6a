import { databaseSizing, type DatabaseSizing } from './database-sizing.js';
import { isSizeName, SIZES, type SizeName } from './sizes.js';

/**
 * Everything the stacks need to know about one deployment, read once from CDK context
 * (`cdk.json`, or `-c bastion:<name>=<value>` on the command line) and validated before any
 * construct exists, so a typo fails the synth with a message rather than a half-built template.
 */
export interface BastionConfig {
  /** Account the stacks target. A placeholder is fine for `synth`; `deploy` needs the real one. */
  readonly account: string;
  /** Region of the stateful and app stacks. The edge stack always lives in us-east-1. */
  readonly region: string;
  /** Public host name of the shop, e.g. `shop.example.com`. */
  readonly domainName: string;
  /** Route 53 public hosted zone for `domainName`; without it, DNS records are created by hand. */
  readonly hostedZoneId: string | undefined;
  /** Existing regional ACM certificate for the ALB (covers `origin.<domain>`); created when absent. */
  readonly certificateArn: string | undefined;
  /** Existing us-east-1 ACM certificate for CloudFront (covers `<domain>`); created when absent. */
  readonly cloudFrontCertificateArn: string | undefined;
  readonly size: SizeName;
  readonly instanceType: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly typicalCapacity: number;
  readonly rootVolumeGiB: number;
  readonly dbInstanceClass: string;
  readonly dbAllocatedStorageGiB: number;
  readonly dbMaxAllocatedStorageGiB: number;
  /** Connection limit, alarm threshold and pool size per process, derived from the class and the fleet's maximum. */
  readonly databaseSizing: DatabaseSizing;
  readonly redisNodeType: string;
  readonly natGatewaysPerAz: boolean;
  readonly requestsPerTargetPerMinute: number;
  readonly azCount: 2 | 3;
  /**
   * Availability Zones by name. Named explicitly so synth needs no lookup; defaults to the Region's
   * `a`, `b` (and `c`) zones, which exist in most Regions. Override where they do not (e.g. us-west-1).
   */
  readonly availabilityZones: readonly string[];
  readonly globalAccelerator: boolean;
  readonly anonymousIpList: boolean;
  readonly alarmEmail: string | undefined;
  /** Version of the release tarball the instances install: `releases/bastion-<version>.tgz`. */
  readonly releaseVersion: string;
  /** Prefix of the Cognito hosted UI domain (`<prefix>.auth.<region>.amazoncognito.com`); globally unique. */
  readonly cognitoDomainPrefix: string;
  /** Path of the app's rate-limit rules, relative to the infra package; read when it exists. */
  readonly rateLimitsFile: string;
  /** The app's `PAYMENTS` setting in production (comma-separated: stripe, paypal). */
  readonly payments: string;
  /**
   * Turn on GuardDuty, Security Hub and AWS Config in this account and Region. Off where an organization's
   * delegated administrator already runs them (each exists once per account and Region).
   */
  readonly securityServices: boolean;
  /** The SES domain identity is verified: Cognito then sends its mail through SES (mail.ts). */
  readonly sesVerified: boolean;
  /** Second Region AWS Backup copies the database's recovery points to (must differ from `region`). */
  readonly backupCopyRegion: string;
  /**
   * Lock the backup vaults: `governance` (operators with the right IAM permission can still lift it),
   * `compliance` (after a 3-day grace nobody, AWS included, can delete a recovery point early), or `off`.
   */
  readonly backupVaultLock: 'off' | 'governance' | 'compliance';
  /** Account whose release pipeline may release into this environment (this account by default). */
  readonly pipelineAccount: string;
  /**
   * The release pipeline (pipeline-stack.ts), created when `bastion:repository` names the source:
   * a CodeConnections connection, `owner/name` and branch, and the staging environment it deploys before
   * production (`<account>/<region>/<domain>`).
   */
  readonly pipeline: PipelineConfig | undefined;
  /** Port the app listens on (the app's `PORT`). */
  readonly appPort: number;
}

export interface PipelineConfig {
  readonly connectionArn: string;
  readonly repository: string;
  readonly branch: string;
  readonly staging: { readonly account: string; readonly region: string; readonly domainName: string };
}

/** Reads one context value; `App.node.tryGetContext` fits. */
export type ContextReader = (key: string) => unknown;

const PREFIX = 'bastion:';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Builds and validates the configuration from CDK context. Throws `ConfigError` with the key at fault. */
export function readConfig(read: ContextReader): BastionConfig {
  const sizeName = optionalString(read, 'size') ?? 'small';
  if (!isSizeName(sizeName)) {
    throw new ConfigError(`${PREFIX}size must be small, medium or large (got "${sizeName}")`);
  }
  const preset = SIZES[sizeName];

  const domainName = requiredString(read, 'domainName');
  if (!/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/.test(domainName)) {
    throw new ConfigError(`${PREFIX}domainName must be a lower-case DNS name (got "${domainName}")`);
  }
  const account = optionalString(read, 'account') ?? '123456789012';
  if (!/^\d{12}$/.test(account)) {
    throw new ConfigError(`${PREFIX}account must be a 12-digit AWS account id (got "${account}")`);
  }
  const region = optionalString(read, 'region') ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ConfigError(`${PREFIX}region must be an AWS Region name (got "${region}")`);
  }

  const azCount = optionalNumber(read, 'azCount') ?? 2;
  if (azCount !== 2 && azCount !== 3) {
    throw new ConfigError(`${PREFIX}azCount must be 2 or 3 (got ${azCount})`);
  }
  const availabilityZones =
    optionalString(read, 'availabilityZones')?.split(',').map((zone) => zone.trim()) ??
    ['a', 'b', 'c'].slice(0, azCount).map((letter) => `${region}${letter}`);
  if (availabilityZones.length !== azCount || availabilityZones.some((zone) => !zone.startsWith(region))) {
    throw new ConfigError(`${PREFIX}availabilityZones must list ${azCount} zones of ${region} (got "${availabilityZones.join(',')}")`);
  }
  const minCapacity = optionalNumber(read, 'minCapacity') ?? preset.minCapacity;
  const maxCapacity = optionalNumber(read, 'maxCapacity') ?? preset.maxCapacity;
  if (!Number.isInteger(minCapacity) || minCapacity < 1) {
    throw new ConfigError(`${PREFIX}minCapacity must be a positive integer (got ${minCapacity})`);
  }
  if (!Number.isInteger(maxCapacity) || maxCapacity < minCapacity) {
    throw new ConfigError(`${PREFIX}maxCapacity must be an integer >= minCapacity (got ${maxCapacity})`);
  }

  const releaseVersion = optionalString(read, 'releaseVersion') ?? '0.1.0';
  if (!/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/.test(releaseVersion)) {
    throw new ConfigError(`${PREFIX}releaseVersion may hold only letters, digits and . + _ - (got "${releaseVersion}")`);
  }
  const alarmEmail = optionalString(read, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new ConfigError(`${PREFIX}alarmEmail must be an email address (got "${alarmEmail}")`);
  }
  const cognitoDomainPrefix =
    optionalString(read, 'cognitoDomainPrefix') ?? `bastion-${domainName.replace(/[^a-z0-9]+/g, '-')}`.slice(0, 63);
  // Cognito refuses prefixes containing its reserved words.
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(cognitoDomainPrefix) || /aws|amazon|cognito/.test(cognitoDomainPrefix)) {
    throw new ConfigError(`${PREFIX}cognitoDomainPrefix must be lower-case letters, digits and hyphens, without aws, amazon or cognito`);
  }

  const payments = optionalString(read, 'payments');
  // The deployed shop is production: the test gateway (orders paid by a public card number) is never offered.
  if (payments !== undefined && !/^(stripe|paypal)(,(stripe|paypal))*$/.test(payments)) {
    throw new ConfigError(`${PREFIX}payments must list stripe or paypal, comma-separated; test is refused in production (got "${payments}")`);
  }

  const dbInstanceClass = optionalString(read, 'dbInstanceClass') ?? preset.dbInstanceClass;
  let sizing: DatabaseSizing;
  try {
    sizing = databaseSizing(dbInstanceClass, maxCapacity);
  } catch (error) {
    throw new ConfigError(`${PREFIX}dbInstanceClass: ${(error as Error).message}`);
  }

  const backupCopyRegion = optionalString(read, 'backupCopyRegion') ?? (region === 'us-west-2' ? 'us-east-2' : 'us-west-2');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(backupCopyRegion) || backupCopyRegion === region) {
    throw new ConfigError(`${PREFIX}backupCopyRegion must be an AWS Region other than ${region} (got "${backupCopyRegion}")`);
  }
  const backupVaultLock = optionalString(read, 'backupVaultLock') ?? 'off';
  if (backupVaultLock !== 'off' && backupVaultLock !== 'governance' && backupVaultLock !== 'compliance') {
    throw new ConfigError(`${PREFIX}backupVaultLock must be off, governance or compliance (got "${backupVaultLock}")`);
  }

  const pipelineAccount = optionalString(read, 'pipelineAccount') ?? account;
  if (!/^\d{12}$/.test(pipelineAccount)) throw new ConfigError(`${PREFIX}pipelineAccount must be a 12-digit AWS account id (got "${pipelineAccount}")`);
  const repository = optionalString(read, 'repository');
  let pipeline: PipelineConfig | undefined;
  if (repository !== undefined) {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) throw new ConfigError(`${PREFIX}repository must be owner/name (got "${repository}")`);
    const connectionArn = optionalString(read, 'connectionArn');
    if (connectionArn === undefined || !/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]+$/.test(connectionArn)) {
      throw new ConfigError(`${PREFIX}connectionArn must be the ARN of a CodeConnections connection to the repository's host`);
    }
    const staging = (optionalString(read, 'staging') ?? `${account}/${region === 'us-east-2' ? 'us-west-2' : 'us-east-2'}/staging.${domainName}`).split('/');
    const [stagingAccount = '', stagingRegion = '', stagingDomain = ''] = staging;
    if (staging.length !== 3 || !/^\d{12}$/.test(stagingAccount) || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(stagingRegion) || !/^[a-z0-9.-]+$/.test(stagingDomain)) {
      throw new ConfigError(`${PREFIX}staging must be <account>/<region>/<domain> (got "${staging.join('/')}")`);
    }
    if (stagingAccount === account && stagingRegion === region) {
      throw new ConfigError(`${PREFIX}staging must differ from production in account or Region: names are fixed per account and Region`);
    }
    pipeline = {
      connectionArn,
      repository,
      branch: optionalString(read, 'branch') ?? 'main',
      staging: { account: stagingAccount, region: stagingRegion, domainName: stagingDomain },
    };
  }

  return {
    account,
    region,
    domainName,
    hostedZoneId: optionalString(read, 'hostedZoneId'),
    certificateArn: optionalArn(read, 'certificateArn'),
    cloudFrontCertificateArn: optionalArn(read, 'cloudFrontCertificateArn'),
    size: sizeName,
    instanceType: optionalString(read, 'instanceType') ?? preset.instanceType,
    minCapacity,
    maxCapacity,
    typicalCapacity: Math.min(Math.max(preset.typicalCapacity, minCapacity), maxCapacity),
    rootVolumeGiB: preset.rootVolumeGiB,
    dbInstanceClass,
    databaseSizing: sizing,
    dbAllocatedStorageGiB: preset.dbAllocatedStorageGiB,
    dbMaxAllocatedStorageGiB: preset.dbMaxAllocatedStorageGiB,
    redisNodeType: optionalString(read, 'redisNodeType') ?? preset.redisNodeType,
    natGatewaysPerAz: preset.natGatewaysPerAz,
    requestsPerTargetPerMinute: preset.requestsPerTargetPerMinute,
    azCount,
    availabilityZones,
    globalAccelerator: optionalBoolean(read, 'globalAccelerator') ?? false,
    anonymousIpList: optionalBoolean(read, 'anonymousIpList') ?? false,
    alarmEmail,
    releaseVersion,
    cognitoDomainPrefix,
    rateLimitsFile: optionalString(read, 'rateLimitsFile') ?? '../config/rate-limits.json',
    payments: payments ?? 'stripe',
    securityServices: optionalBoolean(read, 'securityServices') ?? true,
    sesVerified: optionalBoolean(read, 'sesVerified') ?? false,
    backupCopyRegion,
    backupVaultLock,
    pipelineAccount,
    pipeline,
    appPort: 3000,
  };
}

/** Context from the command line arrives as strings; from cdk.json as JSON values. Empty means unset. */
function optionalString(read: ContextReader, name: string): string | undefined {
  const value = read(PREFIX + name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConfigError(`${PREFIX}${name} must be a string`);
}

function requiredString(read: ContextReader, name: string): string {
  const value = optionalString(read, name);
  if (value === undefined) throw new ConfigError(`${PREFIX}${name} is required`);
  return value;
}

function optionalNumber(read: ContextReader, name: string): number | undefined {
  const value = optionalString(read, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new ConfigError(`${PREFIX}${name} must be a number (got "${value}")`);
  return parsed;
}

function optionalBoolean(read: ContextReader, name: string): boolean | undefined {
  const value = optionalString(read, name);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${PREFIX}${name} must be true or false (got "${value}")`);
}

function optionalArn(read: ContextReader, name: string): string | undefined {
  const value = optionalString(read, name);
  if (value !== undefined && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/.test(value)) {
    throw new ConfigError(`${PREFIX}${name} must be an ACM certificate ARN (got "${value}")`);
  }
  return value;
}
