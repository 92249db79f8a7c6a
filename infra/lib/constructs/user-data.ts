import type { BastionConfig } from '../config/bastion-config.js';

/** Settings the instance needs to install and start one release. Values may be CloudFormation tokens. */
export interface UserDataSettings {
  readonly config: BastionConfig;
  readonly artifactBucketName: string;
  readonly releaseKey: string;
  /** Non-secret environment of the app process, written to /etc/bastion/bastion.env. */
  readonly environment: Readonly<Record<string, string>>;
  readonly databaseSecretArn: string;
  readonly redisAuthSecretArn: string;
  readonly appLogGroupName: string;
  readonly stackName: string;
  readonly asgLogicalId: string;
}

/** Where the RDS CA bundle lives on the instance; the app verifies the database against it (`DATABASE_SSL_CA`). */
const RDS_CA_BUNDLE = '/opt/bastion/certs/rds-global-bundle.pem';

/**
 * The boot script of an app instance (Amazon Linux 2023). It installs Node.js 20, the CloudWatch agent and
 * cfn-signal; downloads the release tarball; installs a systemd unit that runs the app as an unprivileged
 * user with `NODE_ENV=production`; waits for `/readyz`; then signals CloudFormation, which is what makes a
 * rolling update wait for each new instance to be healthy before it replaces the next one.
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
    'dnf install -y nodejs20 nodejs20-npm amazon-cloudwatch-agent aws-cfn-bootstrap logrotate',
    'NODE_BIN="$(command -v node-20 || command -v node)"',
    'NPM_BIN="$(command -v npm-20 || command -v npm)"',
    'ln -sf "$NODE_BIN" /usr/local/bin/node && ln -sf "$NPM_BIN" /usr/local/bin/npm',
    'id bastion >/dev/null 2>&1 || useradd --system --home-dir /var/lib/bastion --shell /sbin/nologin bastion',
    'install -d -o bastion -g bastion -m 0750 /var/lib/bastion /var/log/bastion',
    'install -d -m 0755 /opt/bastion/releases /opt/bastion/bin /opt/bastion/certs /etc/bastion',
    `curl -fsSL --retry 5 -o ${RDS_CA_BUNDLE} https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem`,

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

    "cat > /etc/systemd/system/bastion.service <<'UNIT'",
    '[Unit]',
    'Description=Bastion shop',
    'After=network-online.target',
    'Wants=network-online.target',
    '[Service]',
    'User=bastion',
    'Group=bastion',
    'ExecStart=/opt/bastion/bin/with-env /usr/local/bin/node --enable-source-maps dist/main.js',
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
    'systemctl enable --now bastion.service',
    // The ALB only sends traffic once /readyz passes; CloudFormation only moves on once it has here.
    `for attempt in $(seq 1 60); do curl -fsS -o /dev/null http://127.0.0.1:${config.appPort}/readyz && { trap - ERR; signal 0; exit 0; }; sleep 5; done`,
    'signal 1',
  ];
}
