import { randomUUID } from 'node:crypto';
import { KmsKeyringNode, MultiKeyringNode } from '@aws-crypto/client-node';
import { KMS, type KMSClientConfig } from '@aws-sdk/client-kms';
import { createEnvelope, type DataKeyCache } from './envelope.js';
import { isKmsKeyArn, regionOfKeyArn } from './key-config.js';
import { keyErrors, type KeyRing } from './key-ring.js';

export interface AwsKmsKeyRingOptions {
  /** KMS_KEY_ID: the customer-managed key's ARN; it generates and wraps every new data key. */
  keyArn: string;
  /** KMS_PREVIOUS_KEY_IDS: ARNs of keys that sealed older data and still decrypt it. */
  previousKeyArns?: string[];
  /** AWS_REGION; defaults to the region in the key ARN. */
  region?: string | undefined;
  /** KMS_ENDPOINT: a VPC endpoint, or a loopback fake in tests. */
  endpoint?: string | undefined;
  /** Static credentials (tests); otherwise the SDK's default chain (the instance role on EC2). */
  credentials?: KMSClientConfig['credentials'];
  maxAttempts?: number;
  cache?: DataKeyCache;
}

/** KMS and SDK errors that mean "this ciphertext is bad", rather than "the key service failed". */
const badCiphertext = /InvalidCiphertextException|IncorrectKeyException|unable to authenticate data|Malformed|Invalid/;

/**
 * KEYS=aws-kms: data keys come from AWS KMS (GenerateDataKey) and are unwrapped by it (Decrypt); the
 * key material never leaves KMS. KMS's own yearly rotation keeps the same ARN and needs nothing here;
 * moving to another key is KMS_KEY_ID=new plus KMS_PREVIOUS_KEY_IDS=old, then `npm run keys:rotate`.
 * The data-key cache keeps repeated reads of a value from calling KMS each time.
 */
export function openAwsKmsKeyRing(options: AwsKmsKeyRingOptions): KeyRing {
  const region = options.region ?? regionOfKeyArn(options.keyArn);
  if (!isKmsKeyArn(options.keyArn) || region === undefined) throw new Error('KMS_KEY_ID must be a KMS key ARN');
  const previous = options.previousKeyArns ?? [];
  const client = new KMS({
    region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  const clientProvider = () => client;
  const all = [options.keyArn, ...previous];

  const envelope = createEnvelope({
    partition: `aws-kms:${randomUUID()}`,
    providerId: 'aws-kms',
    ...(options.cache ? { cache: options.cache } : {}),
    keyrings: () => ({
      encrypting: new KmsKeyringNode({ clientProvider, generatorKeyId: options.keyArn }),
      decrypting: new MultiKeyringNode({
        children: all.map((arn) => new KmsKeyringNode({ clientProvider, keyIds: [arn] })),
      }),
    }),
    keyIdOfProviderInfo: (info) => info,
    canDecryptWith: async (keyId) => all.includes(keyId),
    classifyDecryptError: (error) => {
      const text = error instanceof Error ? error.message : String(error);
      // The KMS keyring folds each key's failure into one message; a rejected ciphertext is our fault,
      // anything else (throttling, access denied, a disabled key, the network) is the service's.
      if (!text.includes('KMS CMKs had an error') && badCiphertext.test(text)) return keyErrors.decryptFailed(error);
      if (/InvalidCiphertextException|IncorrectKeyException/.test(text)) return keyErrors.decryptFailed(error);
      return keyErrors.serviceFailed('Decrypt', error);
    },
    classifyEncryptError: (error) => keyErrors.serviceFailed('GenerateDataKey', error),
  });

  return {
    kind: 'aws-kms',
    currentKeyId: () => options.keyArn,
    keys: () => all.map((id) => ({ id, current: id === options.keyArn, createdAt: undefined, source: 'kms' as const })),
    encrypt: (plaintext, context) => envelope.encrypt(plaintext, context),
    decrypt: (ciphertext, context) => envelope.decrypt(ciphertext, context),
    keyIdOf: (ciphertext) => envelope.keyIdOf(ciphertext),
  };
}
