import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BastionConfig } from '../config/bastion-config.js';
import { artifactBucketName } from '../constructs/artifact-bucket.js';
import { iam5Resource } from '../nag-ids.js';
import { AccessRoles } from '../constructs/access-roles.js';
import { AppLogGroups } from '../constructs/app-log-groups.js';
import { AppSecrets } from '../constructs/app-secrets.js';
import { ArtifactBucket } from '../constructs/artifact-bucket.js';
import { AuditTrail } from '../constructs/audit-trail.js';
import { DatabaseBackup } from '../constructs/backup-plan.js';
import { Cache } from '../constructs/cache.js';
import { Database } from '../constructs/database.js';
import { BastionKeys } from '../constructs/keys.js';
import { LogBuckets } from '../constructs/log-buckets.js';
import { ShopMail } from '../constructs/mail.js';
import { MediaBucket } from '../constructs/media-bucket.js';
import { Network } from '../constructs/network.js';
import { ReleaseOperations } from '../constructs/release-operations.js';
import { SecurityMonitoring } from '../constructs/security-monitoring.js';
import { ShopUserPool } from '../constructs/user-pool.js';

export interface StatefulStackProps extends StackProps {
  readonly config: BastionConfig;
}

/**
 * Everything that holds data or identity and must outlive any one version of the app: keys, network,
 * database, cache, buckets, user pool, secrets, logs, audit trail, backups. Termination protection is on
 * and every resource here is retained or snapshotted on delete, so the app stack can be replaced freely.
 *
 * The VPC lives here too: the database cannot move to another VPC without being replaced, so the network
 * is as long-lived as the data in it.
 */
export class StatefulStack extends Stack {
  readonly keys: BastionKeys;
  readonly logBuckets: LogBuckets;
  readonly network: Network;
  readonly media: MediaBucket;
  readonly artifacts: ArtifactBucket;
  readonly database: Database;
  readonly cache: Cache;
  readonly users: ShopUserPool;
  readonly mail: ShopMail;
  readonly appSecrets: AppSecrets;
  readonly appLogs: AppLogGroups;
  readonly trail: AuditTrail;
  readonly backup: DatabaseBackup;
  readonly access: AccessRoles;
  readonly security: SecurityMonitoring;
  readonly releaseOps: ReleaseOperations;
  private readonly zones: readonly string[];

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    const { config } = props;
    this.zones = config.availabilityZones;

    this.keys = new BastionKeys(this, 'Keys');
    this.logBuckets = new LogBuckets(this, 'LogBuckets', { retention: Duration.days(365) });
    this.network = new Network(this, 'Network', {
      availabilityZones: config.availabilityZones,
      natGatewaysPerAz: config.natGatewaysPerAz,
      appPort: config.appPort,
      flowLogsBucket: this.logBuckets.accessLogs,
      globalAccelerator: config.globalAccelerator,
    });
    this.media = new MediaBucket(this, 'Media', {
      encryptionKey: this.keys.dataKey,
      accessLogs: this.logBuckets.accessLogs,
    });
    this.artifacts = new ArtifactBucket(this, 'Artifacts', { accessLogs: this.logBuckets.accessLogs });
    this.database = new Database(this, 'Database', {
      vpc: this.network.vpc,
      securityGroup: this.network.databaseSecurityGroup,
      rotationSecurityGroup: this.network.rotationSecurityGroup,
      encryptionKey: this.keys.dataKey,
      logsKey: this.keys.logsKey,
      instanceClass: config.dbInstanceClass,
      allocatedStorageGiB: config.dbAllocatedStorageGiB,
      maxAllocatedStorageGiB: config.dbMaxAllocatedStorageGiB,
      backupRetention: Duration.days(14),
    });
    this.cache = new Cache(this, 'Cache', {
      vpc: this.network.vpc,
      securityGroup: this.network.redisSecurityGroup,
      encryptionKey: this.keys.dataKey,
      logsKey: this.keys.logsKey,
      nodeType: config.redisNodeType,
    });
    this.mail = new ShopMail(this, 'Mail', {
      domainName: config.domainName,
      hostedZoneId: config.hostedZoneId,
      verified: config.sesVerified,
    });
    this.users = new ShopUserPool(this, 'Users', {
      domainName: config.domainName,
      domainPrefix: config.cognitoDomainPrefix,
      email: this.mail.cognitoEmail,
    });
    this.appSecrets = new AppSecrets(this, 'AppSecrets', { encryptionKey: this.keys.dataKey });
    this.appLogs = new AppLogGroups(this, 'AppLogs', { encryptionKey: this.keys.logsKey });
    this.trail = new AuditTrail(this, 'Audit', {
      encryptionKey: this.keys.logsKey,
      accessLogs: this.logBuckets.accessLogs,
      retention: Duration.days(365 * 2),
    });
    this.backup = new DatabaseBackup(this, 'Backup', {
      database: this.database.instance,
      encryptionKey: this.keys.dataKey,
      copyRegion: config.backupCopyRegion,
      vaultLock: config.backupVaultLock,
    });
    this.security = new SecurityMonitoring(this, 'Security', {
      trailLogGroup: this.trail.logGroup,
      appLogGroup: this.appLogs.app,
      configBucket: this.logBuckets.accessLogs,
      accountServices: config.securityServices,
    });
    this.releaseOps = new ReleaseOperations(this, 'ReleaseOps', {
      vpc: this.network.vpc,
      securityGroup: this.network.opsSecurityGroup,
      masterSecret: this.database.secret,
      ownerSecret: this.database.ownerSecret,
      appSecret: this.database.appSecret,
      dataKey: this.keys.dataKey,
      logsKey: this.keys.logsKey,
      pipelineAccount: config.pipelineAccount,
    });
    this.acknowledgeReleasePrefix();
    this.access = new AccessRoles(this, 'Access', {
      artifactBucket: this.artifacts.bucket,
      deployRegions: [config.region, 'us-east-1', config.backupCopyRegion],
    });
  }

  /** One acknowledgement for every role of this stack that handles release tarballs (deploy, release, database operations). */
  private acknowledgeReleasePrefix(): void {
    Validations.of(this).acknowledge({
      id: iam5Resource(`arn:${this.partition}:s3:::${artifactBucketName(this.account, this.region)}/releases/*`),
      reason:
        'Release tarballs are new objects with versioned names under releases/: the deploy and release roles may write them, database operations read them; every grant stops at that prefix of the artifact bucket.',
    });
  }

  /** The configured zones, so nothing in this stack asks the account for them (synth stays offline). */
  override get availabilityZones(): string[] {
    return [...this.zones];
  }
}
