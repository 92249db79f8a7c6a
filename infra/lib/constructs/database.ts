import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { iam4Policy } from '../nag-ids.js';

export interface DatabaseProps {
  readonly logsKey: kms.IKey;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly rotationSecurityGroup: ec2.ISecurityGroup;
  readonly encryptionKey: kms.IKey;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly backupRetention: Duration;
}

/** Name of the application database inside the instance. */
export const DATABASE_NAME = 'bastion';

/** The roles of docs/deploy-aws.md "Database roles": migrations run as the owner, the app as the app role. */
export const DATABASE_ROLES = { owner: 'bastion_owner', app: 'bastion_app' } as const;

/** Characters that would need escaping in a connection URL are left out, so start-up stays simple. */
const EXCLUDED_PASSWORD_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\=,^';

/** Fixed so the exported log groups can be created (encrypted, with retention) before the instance writes to them. */
export const DATABASE_INSTANCE_ID = 'bastion-db';

/**
 * RDS for PostgreSQL, Multi-AZ, in the isolated subnets. Storage, Performance Insights and the credentials
 * secret are encrypted with the data key; clients must use TLS (`rds.force_ssl`).
 */
export class Database extends Construct {
  readonly instance: rds.DatabaseInstance;
  /** The master user's secret: only `npm run db:roles` uses it, in the release pipeline's migrate step. */
  readonly secret: secretsmanager.ISecret;
  /** The owner role's secret (`bastion_owner`): `npm run migrate` in the migrate step. */
  readonly ownerSecret: secretsmanager.ISecret;
  /** The app role's secret (`bastion_app`): every web and worker process (`DATABASE_SECRET_ARN`). */
  readonly appSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 });

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'Bastion PostgreSQL: TLS only, SCRAM passwords, slow query logging',
      parameters: {
        'rds.force_ssl': '1',
        'ssl_min_protocol_version': 'TLSv1.2',
        'password_encryption': 'scram-sha-256',
        'log_min_duration_statement': '500',
        'log_connections': '1',
        'log_disconnections': '1',
        // Statement text may hold personal data; only durations and errors are logged.
        'log_statement': 'none',
      },
    });

    // Created here rather than by RDS so they carry the logs key and a retention, without the
    // log-retention Lambda that `cloudwatchLogsRetention` would add.
    const exportedLogs = ['postgresql', 'upgrade'].map(
      (name) =>
        new logs.LogGroup(this, `Log-${name}`, {
          logGroupName: `/aws/rds/instance/${DATABASE_INSTANCE_ID}/${name}`,
          encryptionKey: props.logsKey,
          retention: logs.RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      instanceIdentifier: DATABASE_INSTANCE_ID,
      engine,
      instanceType: new ec2.InstanceType(props.instanceClass),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.securityGroup],
      multiAz: true,
      port: 5432,
      databaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret('bastion_admin', {
        encryptionKey: props.encryptionKey,
        excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
      }),
      parameterGroup,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      iamAuthentication: true,
      publiclyAccessible: false,
      backupRetention: props.backupRetention,
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
      monitoringInterval: Duration.seconds(60),
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    for (const group of exportedLogs) this.instance.node.addDependency(group);
    if (!this.instance.secret) throw new Error('generated credentials must produce a secret');
    this.secret = this.instance.secret;

    // Owner and app roles get their own secrets, created as roles by `npm run db:roles` with these
    // passwords. Single-user rotation (each role changes its own password) keeps the user name fixed, which
    // the app needs: it reads the user name once and the password for each new connection.
    const roleSecret = (id: string, username: string): secretsmanager.ISecret =>
      new rds.DatabaseSecret(this, id, {
        username,
        encryptionKey: props.encryptionKey,
        excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
      }).attach(this.instance);
    this.ownerSecret = roleSecret('OwnerSecret', DATABASE_ROLES.owner);
    this.appSecret = roleSecret('AppSecret', DATABASE_ROLES.app);

    // Hosted rotation: Secrets Manager runs the rotation function itself, so no Lambda code is bundled here.
    const rotate = (id: string, secret: secretsmanager.ISecret, rotateImmediatelyOnUpdate = true): void => {
      new secretsmanager.RotationSchedule(this, id, {
        secret,
        automaticallyAfter: Duration.days(30),
        rotateImmediatelyOnUpdate,
        hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
          vpc: props.vpc,
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          securityGroups: [props.rotationSecurityGroup],
          excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
        }),
      });
    };
    rotate('Rotation', this.secret);
    // The roles exist only once the migrate step has run `db:roles`; a rotation at creation would fail.
    rotate('OwnerRotation', this.ownerSecret, false);
    rotate('AppRotation', this.appSecret, false);

    Validations.of(this.instance).acknowledge(
      {
        id: iam4Policy('service-role/AmazonRDSEnhancedMonitoringRole'),
        reason: 'The enhanced-monitoring role RDS itself requires; the AWS-managed policy only writes to the RDSOSMetrics log group.',
      },
      {
        id: 'AwsSolutions-RDS11',
        reason:
          'PostgreSQL keeps its standard port 5432: the instance is in isolated subnets and its security group admits only the app and rotation groups, so a non-standard port would add no protection.',
      },
    );
  }
}
