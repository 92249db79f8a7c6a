import type { BastionConfig } from '../config/bastion-config.js';
import { READINESS_PATH } from './load-balancer.js';

/** A hardened systemd unit running as the bastion user; `lines` add its Environment= and ExecStart=. */
function unit(name: string, description: string, lines: readonly string[]): string[] {
  return [
    `cat > /etc/systemd/system/${name} <<'UNIT'`,
    '[Unit]',
    `Description=${description}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '[Service]',
    'User=bastion',
    'Group=bastion',
    ...lines,
    'Restart=always',
    'RestartSec=2',
    'TimeoutStopSec=30',
    'LimitNOFILE=65536',
    'NoNewPrivileges=true',
    'ProtectSystem=strict',
    'ProtectHome=true',
    'PrivateTmp=true',
    'ReadWritePaths=/var/lib/bastion /var/log/bastion',
    'StandardOutput=append:/var/log/bastion/app.log',
    'StandardError=append:/var/log/bastion/app.log',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
  ];
}

/** Settings the instance needs to install and start one release. Values may be CloudFormation tokens. */
export interface UserDataSettings {
  readonly config: BastionConfig;
  readonly artifactBucketName: string;
  readonly releaseKey: string;
  /** Non-secret environment of the app process, written to /etc/bastion/bastion.env. */
  readonly environment: Readonly<Record<string, string>>;
  /** The app role's secret (`bastion_app`), never the master user's. */
  readonly databaseSecretArn: string;
  readonly redisAuthSecretArn: string;
  readonly appLogGroupName: string;
  /** Log group of the EMF records; the audit check writes its result there too. */
  readonly metricsLogGroupName: string;
  readonly stackName: string;
  readonly asgLogicalId: string;
}

/**
 * Where the RDS CA bundle lives on the instance: inside the release (`npm run release` puts it in
 * `certs/`), so boot downloads nothing from the internet. The app verifies the database against it.
 */
export const RDS_CA_BUNDLE = '/opt/bastion/current/certs/rds-global-bundle.pem';

/** The Node.js LTS the instances run (Amazon Linux 2023 package `nodejs22`); the code also runs on 20 locally. */
export const NODE_MAJOR = 22;

/** EMF metric the daily audit-chain check writes: 1 when `npm run audit:verify` fails, 0 when the chain holds. */
export const AUDIT_CHECK_METRIC = 'AuditChainBroken';

/**
 * The boot script of an app instance (Amazon Linux 2023). It installs Node.js 22 LTS, the CloudWatch agent
 * and cfn-signal from the Amazon Linux repository (served from S3 in the Region, reached through the VPC's
 * S3 gateway endpoint, not the internet); copies the release tarball from the artifact bucket; installs
 * two systemd units, the web server (`bastion.service`, with `OUTBOX_WORKER=off`) and the outbox worker
 * (`bastion-worker.service`, `node dist/cli/worker.js`), both as an unprivileged user with
 * `NODE_ENV=production` and `MIGRATE_ON_START=false` (the release pipeline migrates once, as the owner
 * role); a daily timer runs `audit:verify` and reports its result as a metric; waits for `/readyz`;
 * then signals CloudFormation.
 *
 * Secrets are never written to disk: `with-env` reads them from Secrets Manager at each start and passes
 * them to the process in its environment only.
 */
export function renderUserData(settings: UserDataSettings): string[] {
  const { config } = settings;
  const envFile = Object.entries({
    ...settings.environment,
    // The app reads the RDS secret itself (host, port, name, user) and asks for the password at each new
    // connection, so a rotated password is picked up without a restart; TLS is verify-full against the CA.
    DATABASE_SECRET_ARN: settings.databaseSecretArn,
    DATABASE_SSL_CA: RDS_CA_BUNDLE,
    MIGRATE_ON_START: 'false',
    REDIS_AUTH_SECRET_ARN: settings.redisAuthSecretArn,
  })
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');

  const agentConfig = JSON.stringify({
    agent: { metrics_collection_interval: 60, run_as_user: 'cwagent' },
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            { file_path: '/var/log/bastion/app.log', log_group_name: settings.appLogGroupName, log_stream_name: '{instance_id}' },
          ],
        },
      },
      // Receives the app's Embedded Metric Format records on 127.0.0.1:25888 (aws-embedded-metrics default).
      metrics_collected: { emf: {} },
    },
    metrics: {
      namespace: 'Bastion/System',
      append_dimensions: { InstanceId: '${aws:InstanceId}' },
      metrics_collected: {
        mem: { measurement: ['mem_used_percent'] },
        disk: { measurement: ['used_percent'], resources: ['/'] },
      },
    },
  });

  return [
    'set -euo pipefail',
    'exec > >(tee -a /var/log/bastion-boot.log) 2>&1',
    `REGION=${config.region}`,
    `RELEASE_URI=s3://${settings.artifactBucketName}/${settings.releaseKey}`,
    'signal() { /opt/aws/bin/cfn-signal -e "$1" --region "$REGION" --stack ' +
      `${settings.stackName} --resource ${settings.asgLogicalId} || true; }`,
    "trap 'signal 1' ERR",
    `dnf install -y nodejs${NODE_MAJOR} nodejs${NODE_MAJOR}-npm amazon-cloudwatch-agent aws-cfn-bootstrap logrotate`,
    `NODE_BIN="$(command -v node-${NODE_MAJOR} || command -v node)"`,
    `NPM_BIN="$(command -v npm-${NODE_MAJOR} || command -v npm)"`,
    `"$NODE_BIN" --version | grep -q '^v${NODE_MAJOR}\\.'`,
    'ln -sf "$NODE_BIN" /usr/local/bin/node && ln -sf "$NPM_BIN" /usr/local/bin/npm',
    'id bastion >/dev/null 2>&1 || useradd --system --home-dir /var/lib/bastion --shell /sbin/nologin bastion',
    // Session Manager runs commands as ssm-user. Created here, before the SSM agent would create it with
    // sudo to root, so its only sudo right is to run a task as the bastion user (access-roles.ts).
    'id ssm-user >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ssm-user',
    "printf 'ssm-user ALL=(bastion) NOPASSWD: /opt/bastion/bin/with-env\\n' > /etc/sudoers.d/ssm-agent-users",
    'chmod 0440 /etc/sudoers.d/ssm-agent-users && visudo -cf /etc/sudoers.d/ssm-agent-users',
    'install -d -o bastion -g bastion -m 0750 /var/lib/bastion /var/log/bastion',
    'install -d -m 0755 /opt/bastion/releases /opt/bastion/bin /etc/bastion',

    // Release: the tarball holds package.json, dist/ and production node_modules (`npm pack` style
    // `package/` top folder accepted). No build happens here.
    `VERSION=${config.releaseVersion}`,
    'WORK="$(mktemp -d)"',
    'aws s3 cp --region "$REGION" "$RELEASE_URI" "$WORK/release.tgz"',
    'tar -xzf "$WORK/release.tgz" -C "$WORK"',
    'SRC="$WORK"; [ -f "$WORK/package/package.json" ] && SRC="$WORK/package"',
    'rm -rf "/opt/bastion/releases/$VERSION" && mkdir -p "/opt/bastion/releases/$VERSION"',
    'cp -a "$SRC/." "/opt/bastion/releases/$VERSION/" && rm -f "/opt/bastion/releases/$VERSION/release.tgz"',
    'ln -sfn "/opt/bastion/releases/$VERSION" /opt/bastion/current',
    'rm -rf "$WORK"',
    `test -s ${RDS_CA_BUNDLE} || { echo "release lacks certs/rds-global-bundle.pem (npm run release adds it)"; false; }`,

    'cat > /etc/bastion/bastion.env <<\'ENV\'',
    envFile,
    'ENV',
    'chmod 0644 /etc/bastion/bastion.env',

    // with-env: loads the non-secret settings, adds REDIS_URL built from Secrets Manager,
    // then runs its arguments. The secret travels through a pipe, never argv or a file.
    "cat > /opt/bastion/bin/with-env <<'SCRIPT'",
    '#!/bin/bash',
    'set -euo pipefail',
    'set -a; . /etc/bastion/bastion.env; set +a',
    'secret() { aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$1" --query SecretString --output text; }',
    'REDIS_URL="rediss://:$(secret "$REDIS_AUTH_SECRET_ARN")@${REDIS_HOST}:${REDIS_PORT}"',
    'export REDIS_URL',
    'cd /opt/bastion/current',
    'exec "$@"',
    'SCRIPT',
    'chmod 0755 /opt/bastion/bin/with-env',

    ...unit('bastion.service', 'Bastion shop (web)', [
      // The outbox worker runs in its own unit below; web processes only enqueue.
      'Environment=OUTBOX_WORKER=off',
      'ExecStart=/opt/bastion/bin/with-env /usr/local/bin/node --enable-source-maps dist/main.js',
    ]),
    ...unit('bastion-worker.service', 'Bastion outbox worker', [
      'ExecStart=/opt/bastion/bin/with-env /usr/local/bin/node --enable-source-maps dist/cli/worker.js',
    ]),

    // Daily audit-chain check: its result becomes the metric the AuditChain alarm watches (a missing
    // result alarms too), written as one EMF record to the CloudWatch agent.
    "cat > /opt/bastion/bin/audit-check <<'SCRIPT'",
    '#!/bin/bash',
    'set -uo pipefail',
    'if /opt/bastion/bin/with-env /usr/local/bin/node dist/cli/audit-verify.js; then broken=0; else broken=1; fi',
    `printf '{"_aws":{"Timestamp":%s000,"LogGroupName":"%s","CloudWatchMetrics":[{"Namespace":"%s","Dimensions":[[]],"Metrics":[{"Name":"${AUDIT_CHECK_METRIC}","Unit":"Count"}]}]},"${AUDIT_CHECK_METRIC}":%s}\\n' "$(date +%s)" "${settings.metricsLogGroupName}" "${settings.environment['METRICS_NAMESPACE'] ?? 'Bastion'}" "$broken" > /dev/tcp/127.0.0.1/25888`,
    'exit "$broken"',
    'SCRIPT',
    'chmod 0755 /opt/bastion/bin/audit-check',
    "cat > /etc/systemd/system/bastion-audit-check.service <<'UNIT'",
    '[Unit]',
    'Description=Bastion audit chain check (npm run audit:verify)',
    '[Service]',
    'Type=oneshot',
    'User=bastion',
    'Group=bastion',
    'ExecStart=/opt/bastion/bin/audit-check',
    'StandardOutput=append:/var/log/bastion/app.log',
    'StandardError=append:/var/log/bastion/app.log',
    'UNIT',
    "cat > /etc/systemd/system/bastion-audit-check.timer <<'UNIT'",
    '[Unit]',
    'Description=Daily Bastion audit chain check',
    '[Timer]',
    'OnCalendar=*-*-* 05:30:00',
    'RandomizedDelaySec=1800',
    'Persistent=true',
    '[Install]',
    'WantedBy=timers.target',
    'UNIT',
    "cat > /etc/logrotate.d/bastion <<'ROTATE'",
    '/var/log/bastion/app.log {',
    '  daily',
    '  rotate 3',
    '  compress',
    '  missingok',
    '  copytruncate',
    '}',
    'ROTATE',

    // The agent runs as cwagent; the bastion group lets it read (not write) the app's log.
    'usermod -a -G bastion cwagent',
    "cat > /opt/aws/amazon-cloudwatch-agent/etc/bastion.json <<'AGENT'",
    agentConfig,
    'AGENT',
    '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/bastion.json',

    'systemctl daemon-reload',
    'systemctl enable --now bastion.service bastion-worker.service bastion-audit-check.timer',
    // Readiness (database reachable) before the boot counts as done; the ALB itself checks liveness only.
    `for attempt in $(seq 1 60); do curl -fsS -o /dev/null http://127.0.0.1:${config.appPort}${READINESS_PATH} && { trap - ERR; signal 0; exit 0; }; sleep 5; done`,
    'signal 1',
  ];
}
