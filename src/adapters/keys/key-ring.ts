import { AppError } from '../../kernel/errors.js';

/**
 * What a ciphertext is bound to. Every entry is authenticated with the ciphertext (the AWS Encryption
 * SDK's encryption context), and decryption fails unless the caller names exactly the same entries, so a
 * value sealed for one table, column and row cannot be replayed into another. Not secret: on AWS it is
 * written to CloudTrail with every KMS call, so never put personal data in it.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

/** One master (wrapping) key the ring knows. Key material never leaves the adapter. */
export interface KeyInfo {
  /** Stable id written into every ciphertext's header (a local key id, or a KMS key ARN). */
  id: string;
  /** True for the one key new ciphertexts are sealed under; the others only decrypt. */
  current: boolean;
  /** When the key was created, when known (local key file, or LOCAL_MASTER_KEY_CREATED). */
  createdAt: Date | undefined;
  /** Where the key lives: the local key file, an environment variable, or AWS KMS. */
  source: 'file' | 'env' | 'kms';
}

/**
 * The key port: envelope encryption of small values and files under a master key that rotates.
 * Each call encrypts under a fresh (or briefly cached) data key wrapped by the current master key;
 * decryption accepts any key that is not retired. Implementations: `local.ts` (KEYS=local, AES-256
 * keys in a 0600 file or the environment) and `aws-kms.ts` (KEYS=aws-kms, a KMS customer-managed key).
 */
export interface KeyRing {
  readonly kind: 'local' | 'aws-kms';
  /** Id of the key that new ciphertexts are sealed under. */
  currentKeyId(): string;
  /** Every key that can decrypt, the current one included. */
  keys(): KeyInfo[];
  /** Seals `plaintext` under the current key, bound to `context`. */
  encrypt(plaintext: Uint8Array, context: EncryptionContext): Promise<Buffer>;
  /**
   * Opens a ciphertext made by `encrypt`. Throws KEYS_CONTEXT_MISMATCH when it was sealed for another
   * context, KEYS_KEY_UNAVAILABLE when its key is unknown or retired, KEYS_DECRYPT_FAILED when it was
   * altered, and KEYS_SERVICE_FAILED when the key service (KMS) failed.
   */
  decrypt(ciphertext: Uint8Array, context: EncryptionContext): Promise<Buffer>;
  /** Which key sealed `ciphertext`, read from its header without decrypting (for rotation scans). */
  keyIdOf(ciphertext: Uint8Array): string;
}

export const keyErrors = {
  malformed: (): AppError => new AppError('KEYS_MALFORMED_CIPHERTEXT', 'internal', 'The value is not a Bastion ciphertext.'),
  contextMismatch: (): AppError =>
    new AppError('KEYS_CONTEXT_MISMATCH', 'internal', 'The ciphertext was sealed for another table, column, row or object.'),
  keyUnavailable: (keyId: string): AppError =>
    new AppError('KEYS_KEY_UNAVAILABLE', 'internal', `The ciphertext's key "${keyId}" is not in the key ring (retired or missing).`, { keyId }),
  decryptFailed: (cause?: unknown): AppError => {
    const error = new AppError('KEYS_DECRYPT_FAILED', 'internal', 'The ciphertext could not be decrypted: it was altered or damaged.');
    if (cause !== undefined) error.cause = cause;
    return error;
  },
  serviceFailed: (operation: string, cause?: unknown): AppError => {
    const error = new AppError('KEYS_SERVICE_FAILED', 'unavailable', `The key service failed during ${operation}.`);
    if (cause !== undefined) error.cause = cause;
    return error;
  },
};
