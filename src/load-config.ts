import { createAwsSecretStore } from './adapters/secrets/aws.js';
import { environmentWithSecrets } from './adapters/secrets/environment.js';
import { loadConfig, type Config } from './config.js';

/**
 * Configuration as every entry point (server and CLI commands) must see it: the process environment
 * plus the settings kept in AWS Secrets Manager (SECRETS_ARN, DATABASE_SECRET_ARN). Without this a
 * command run on an instance would quietly open an embedded database instead of RDS.
 */
export async function loadConfigWithSecrets(env: Record<string, string | undefined> = process.env): Promise<{ config: Config; fromSecrets: string[] }> {
  if (!env.SECRETS_ARN && !env.DATABASE_SECRET_ARN) return { config: loadConfig(env), fromSecrets: [] };
  const resolved = await environmentWithSecrets(env, createAwsSecretStore());
  return { config: loadConfig(resolved.env), fromSecrets: resolved.fromSecrets };
}
