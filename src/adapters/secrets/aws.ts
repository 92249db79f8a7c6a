import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from './secret-store.js';

/**
 * AWS Secrets Manager. Region and credentials come from the SDK's usual chain (the instance role on
 * EC2); `AWS_ENDPOINT_URL_SECRETS_MANAGER` points it elsewhere, as the tests do.
 */
export function createAwsSecretStore(client: SecretsManagerClient = new SecretsManagerClient({})): SecretStore {
  return {
    async getJson(id) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: id }));
      if (out.SecretString === undefined) throw new Error(`secret ${id} has no string value`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(out.SecretString);
      } catch {
        throw new Error(`secret ${id} is not JSON`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`secret ${id} is not a JSON object`);
      // RDS secrets carry the port as a number; every value becomes a string, as environment values are.
      return Object.fromEntries(
        Object.entries(parsed as Record<string, unknown>)
          .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
          .map(([k, v]) => [k, String(v)]),
      );
    },
  };
}
