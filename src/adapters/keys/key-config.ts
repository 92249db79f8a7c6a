import { createHash } from 'node:crypto';

/**
 * Parsing of key settings, kept free of the Encryption SDK so that loading the configuration stays
 * cheap. The adapters (local.ts, aws-kms.ts) take the parsed values.
 */

/** KEYS and its companions, as parsed by config.ts. */
export type KeysConfig =
  | {
      kind: 'local';
      /** LOCAL_MASTER_KEY; absent: a key file under DATA_DIR/keys, created on first start. */
      masterKey: EnvMasterKey | undefined;
      previousKeys: EnvMasterKey[];
      masterKeyCreatedAt: Date | undefined;
      maxAgeDays: number;
    }
  | { kind: 'aws-kms'; keyArn: string; previousKeyArns: string[]; region: string | undefined; endpoint: string | undefined; maxAgeDays: number };

/** A master key given in the environment: `<id>:<base64 of 32 bytes>`, or just the base64. */
export interface EnvMasterKey {
  id: string;
  material: Buffer;
}

/** Parses `<id>:<base64>` or `<base64>` (a 32-byte AES-256 key); the id defaults to a fingerprint. */
export function parseEnvMasterKey(value: string): EnvMasterKey | undefined {
  const match = /^(?:([A-Za-z0-9._-]{1,64}):)?([A-Za-z0-9+/=_-]+)$/.exec(value.trim());
  if (!match?.[2]) return undefined;
  const material = Buffer.from(match[2], 'base64');
  if (material.length !== 32) return undefined;
  const id = match[1] ?? `env-${createHash('sha256').update(material).digest('hex').slice(0, 12)}`;
  return { id, material };
}

const keyArnPattern = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;

/** True for a KMS key ARN (an alias or a bare key id cannot be matched against a ciphertext's header). */
export function isKmsKeyArn(value: string): boolean {
  return keyArnPattern.test(value);
}

/** The region named in a KMS key ARN. */
export function regionOfKeyArn(arn: string): string | undefined {
  return keyArnPattern.exec(arn)?.[1];
}
