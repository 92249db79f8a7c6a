import { openAwsKmsKeyRing } from './aws-kms.js';
import type { KeysConfig } from './key-config.js';
import type { KeyInfo, KeyRing } from './key-ring.js';

/** Where the keys come from, and the data folder a local key file lives in. */
export interface KeySettings {
  keys: KeysConfig;
  dataDir: string;
}
import { describeLocalKeyFile, openLocalKeyRing } from './local.js';

/** The key port from KEYS: local master keys (file under DATA_DIR or LOCAL_MASTER_KEY) or AWS KMS. */
export async function openKeyRing(config: KeySettings): Promise<KeyRing> {
  const keys = config.keys;
  if (keys.kind === 'aws-kms') {
    return openAwsKmsKeyRing({ keyArn: keys.keyArn, previousKeyArns: keys.previousKeyArns, region: keys.region, endpoint: keys.endpoint });
  }
  return openLocalKeyRing({
    dataDir: config.dataDir,
    envKey: keys.masterKey,
    envPreviousKeys: keys.previousKeys,
    envKeyCreatedAt: keys.masterKeyCreatedAt,
  });
}

/** The configured keys and what is known of them, without opening a key ring or creating a key file. */
export async function describeKeys(config: KeySettings): Promise<KeyInfo[]> {
  const keys = config.keys;
  if (keys.kind === 'aws-kms') {
    return [keys.keyArn, ...keys.previousKeyArns].map((id, i) => ({ id, current: i === 0, createdAt: undefined, source: 'kms' as const }));
  }
  if (keys.masterKey !== undefined) {
    return [
      { id: keys.masterKey.id, current: true, createdAt: keys.masterKeyCreatedAt, source: 'env' as const },
      ...keys.previousKeys.map((k) => ({ id: k.id, current: false, createdAt: undefined, source: 'env' as const })),
    ];
  }
  return (await describeLocalKeyFile(config.dataDir)) ?? [];
}
