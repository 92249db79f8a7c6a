import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  NodeAlgorithmSuite,
  NodeCachingMaterialsManager,
  type KeyringNode,
} from '@aws-crypto/client-node';
import { deserializeFactory } from '@aws-crypto/serialize';
import { keyErrors, type EncryptionContext } from './key-ring.js';

/**
 * The AWS Encryption SDK wiring shared by both key adapters: committing AES-256-GCM with HKDF (no
 * signature: the same party holds the keys that encrypt and decrypt, so ECDSA would add cost and no
 * protection), exactly one wrapped data key per message, and a small cache of data keys.
 */
const { encrypt, decrypt } = buildClient({
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  // Each Bastion message carries one data key; refusing more bounds the work a forged header can cause.
  maxEncryptedDataKeys: 1,
});
const suiteId = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const { deserializeMessageHeader } = deserializeFactory((bytes) => Buffer.from(bytes).toString('utf8'), NodeAlgorithmSuite);

/** Data-key caching limits. A cached data key is reused only for the same encryption context. */
export interface DataKeyCache {
  /** How long a data key may be reused, in ms. */
  maxAgeMs: number;
  /** How many messages one cached data key may encrypt. */
  maxMessages: number;
  /** How many entries the in-process cache holds. */
  capacity: number;
}

export const defaultDataKeyCache: DataKeyCache = { maxAgeMs: 5 * 60_000, maxMessages: 1_000, capacity: 1_000 };

export interface EnvelopeOptions {
  /**
   * The keyrings for the key set in force: `encrypting` wraps new data keys under the current master key
   * only; `decrypting` unwraps with any master key that is not retired. Called again after `reset()`.
   */
  keyrings(): { encrypting: KeyringNode; decrypting: KeyringNode };
  /** The ESDK provider id this adapter writes (e.g. "bastion-local" or "aws-kms"). */
  providerId: string;
  /** The master key id named by a wrapped data key's provider info. */
  keyIdOfProviderInfo(providerInfo: string): string;
  /** Ids the ring can decrypt with right now; may reload (a rotated key file). */
  canDecryptWith(keyId: string): Promise<boolean>;
  /** Turns a failure of the SDK or the key service into a domain error. */
  classifyDecryptError(error: unknown): Error;
  classifyEncryptError(error: unknown): Error;
  cache?: DataKeyCache;
  /** Partition of the data-key cache, so two rings in one process never share entries. */
  partition: string;
}

export interface Envelope {
  encrypt(plaintext: Uint8Array, context: EncryptionContext): Promise<Buffer>;
  decrypt(ciphertext: Uint8Array, context: EncryptionContext): Promise<Buffer>;
  keyIdOf(ciphertext: Uint8Array): string;
  /** Rebuilds the keyrings and forgets cached data keys, after the key set changed. */
  reset(): void;
}

function sameContext(actual: Readonly<Record<string, string>>, expected: EncryptionContext): boolean {
  const a = Object.keys(actual).sort();
  const e = Object.keys(expected).sort();
  return a.length === e.length && a.every((k, i) => k === e[i] && actual[k] === expected[k]);
}

function assertUsableContext(context: EncryptionContext): void {
  const keys = Object.keys(context);
  // The SDK reserves "aws-crypto-" keys; an empty context would bind the value to nothing.
  if (keys.length === 0 || keys.some((k) => k.startsWith('aws-crypto-'))) {
    throw new Error('an encryption context needs at least one entry and no "aws-crypto-" keys');
  }
}

export function createEnvelope(options: EnvelopeOptions): Envelope {
  const cache = options.cache ?? defaultDataKeyCache;
  const materials = (backingMaterials: KeyringNode): NodeCachingMaterialsManager =>
    new NodeCachingMaterialsManager({
      backingMaterials,
      cache: getLocalCryptographicMaterialsCache(cache.capacity),
      partition: options.partition,
      maxAge: cache.maxAgeMs,
      maxMessagesEncrypted: cache.maxMessages,
    });
  const build = () => {
    const rings = options.keyrings();
    return { encrypting: materials(rings.encrypting), decrypting: materials(rings.decrypting) };
  };
  let cmm = build();

  const header = (ciphertext: Uint8Array) => {
    let info: ReturnType<typeof deserializeMessageHeader>;
    try {
      info = deserializeMessageHeader(ciphertext, { maxEncryptedDataKeys: 1 });
    } catch {
      info = false;
    }
    const edk = info ? info.messageHeader.encryptedDataKeys[0] : undefined;
    if (!info || edk === undefined || edk.providerId !== options.providerId) throw keyErrors.malformed();
    return { context: info.messageHeader.encryptionContext, keyId: options.keyIdOfProviderInfo(edk.providerInfo) };
  };

  return {
    async encrypt(plaintext, context) {
      assertUsableContext(context);
      try {
        const { result } = await encrypt(cmm.encrypting, plaintext, { encryptionContext: { ...context }, suiteId });
        return result;
      } catch (error) {
        throw options.classifyEncryptError(error);
      }
    },

    async decrypt(ciphertext, context) {
      assertUsableContext(context);
      // Cheap checks first, from the unauthenticated header: a wrong context or a retired key fails fast
      // (and, on AWS, without a KMS call). Decryption below authenticates the header itself.
      const found = header(ciphertext);
      if (!sameContext(found.context, context)) throw keyErrors.contextMismatch();
      if (!(await options.canDecryptWith(found.keyId))) throw keyErrors.keyUnavailable(found.keyId);
      let output: Awaited<ReturnType<typeof decrypt>>;
      try {
        output = await decrypt(cmm.decrypting, ciphertext);
      } catch (error) {
        throw options.classifyDecryptError(error);
      }
      if (!sameContext(output.messageHeader.encryptionContext, context)) throw keyErrors.contextMismatch();
      return output.plaintext;
    },

    keyIdOf(ciphertext) {
      return header(ciphertext).keyId;
    },

    reset() {
      cmm = build();
    },
  };
}
