import { createHash } from 'node:crypto';
import type { SettingsReader } from '../../kernel/settings.js';

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

/** KEYS and its companions; never echoes key material, only the variable and the expected shape. */
export function readKeys(read: SettingsReader): KeysConfig {
  const kind = read.oneOf('KEYS', ['local', 'aws-kms'] as const, 'local');
  const maxAgeDays = read.integer('KEY_MAX_AGE_DAYS', 365, { min: 1, max: 3650 });
  const list = (name: string): string[] => (read.optionalString(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (kind === 'aws-kms') {
    const keyArn = read.optionalString('KMS_KEY_ID') ?? '';
    if (!isKmsKeyArn(keyArn)) {
      read.problem('KMS_KEY_ID: required with KEYS=aws-kms, as the key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias cannot be matched to stored ciphertexts');
    }
    const previousKeyArns = list('KMS_PREVIOUS_KEY_IDS');
    const bad = previousKeyArns.filter((arn) => !isKmsKeyArn(arn));
    if (bad.length > 0) read.problem(`KMS_PREVIOUS_KEY_IDS: ${bad.length} entr${bad.length === 1 ? 'y is' : 'ies are'} not a KMS key ARN`);
    const endpoint = read.optionalString('KMS_ENDPOINT');
    return {
      kind, keyArn, previousKeyArns, maxAgeDays,
      region: read.optionalString('AWS_REGION'),
      endpoint: endpoint === undefined ? undefined : read.url('KMS_ENDPOINT', endpoint, ['https:', 'http:']),
    };
  }
  // Never echo key material: problems name the variable and the expected shape only.
  const raw = read.optionalString('LOCAL_MASTER_KEY');
  const masterKey = raw === undefined ? undefined : parseEnvMasterKey(raw);
  if (raw !== undefined && masterKey === undefined) {
    read.problem('LOCAL_MASTER_KEY: must be 32 random bytes in base64, optionally prefixed by an id and a colon (id:base64), e.g. from `openssl rand -base64 32`');
  }
  const previousRaw = list('LOCAL_PREVIOUS_MASTER_KEYS');
  const previousKeys = previousRaw.map(parseEnvMasterKey).filter((k): k is EnvMasterKey => k !== undefined);
  if (previousKeys.length !== previousRaw.length) read.problem('LOCAL_PREVIOUS_MASTER_KEYS: every entry must be id:base64 of 32 bytes, separated by commas');
  if (previousRaw.length > 0 && raw === undefined) read.problem('LOCAL_PREVIOUS_MASTER_KEYS: only works with LOCAL_MASTER_KEY (the key file keeps its own previous keys)');
  const ids = [masterKey, ...previousKeys].filter((k) => k !== undefined).map((k) => k.id);
  if (new Set(ids).size !== ids.length) read.problem('LOCAL_MASTER_KEY, LOCAL_PREVIOUS_MASTER_KEYS: two keys share an id');
  const created = read.optionalString('LOCAL_MASTER_KEY_CREATED');
  const masterKeyCreatedAt = created === undefined ? undefined : new Date(created);
  if (masterKeyCreatedAt !== undefined && Number.isNaN(masterKeyCreatedAt.getTime())) {
    read.problem(`LOCAL_MASTER_KEY_CREATED: "${created}" is not a date such as 2026-11-27`);
  }
  return { kind, masterKey, previousKeys, masterKeyCreatedAt, maxAgeDays };
}
