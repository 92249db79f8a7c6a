import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MultiKeyringNode, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { createEnvelope, type DataKeyCache } from './envelope.js';
import type { EnvMasterKey } from './key-config.js';
import { keyErrors, type KeyInfo, type KeyRing } from './key-ring.js';

/** Provider id written into every local ciphertext's header. */
const namespace = 'bastion-local';

export interface LocalKeyRingOptions {
  /** Where the key file lives when no key is given in the environment: `<dataDir>/keys/master-keys.json`. */
  dataDir: string;
  /** LOCAL_MASTER_KEY: when set, keys come from the environment and no file is read or written. */
  envKey?: EnvMasterKey | undefined;
  /** LOCAL_PREVIOUS_MASTER_KEYS: older keys that still decrypt. */
  envPreviousKeys?: EnvMasterKey[];
  /** LOCAL_MASTER_KEY_CREATED: when the env key was made, for the advisor's key-age check. */
  envKeyCreatedAt?: Date | undefined;
  cache?: DataKeyCache;
  /** How often a running process looks for a rotated key file, in ms. */
  reloadIntervalMs?: number;
}

/** The key file: every key that still decrypts, and a record of retired ones (ids only, no material). */
interface KeyFile {
  version: 1;
  keys: { id: string; createdAt: string; current: boolean; material: string }[];
  retired: { id: string; retiredAt: string }[];
}

interface LoadedKey extends KeyInfo {
  material: Buffer;
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'keys', 'master-keys.json');
}

function newKeyId(now: Date): string {
  return `local-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
}

async function readKeyFile(path: string): Promise<KeyFile | undefined> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as KeyFile;
  if (parsed.version !== 1 || !Array.isArray(parsed.keys) || parsed.keys.filter((k) => k.current).length !== 1) {
    throw new Error(`${path}: not a Bastion key file with exactly one current key`);
  }
  return parsed;
}

/** Writes the key file atomically with mode 0600 (temp file, then rename). */
async function writeKeyFile(path: string, file: KeyFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temp, path);
}

/**
 * Reads the key file, creating it with one fresh key on first start. Creation uses an exclusive open,
 * so two processes starting together end up with the same key. A file readable by others is tightened.
 */
async function loadOrCreateKeyFile(path: string, now: Date): Promise<KeyFile> {
  const existing = await readKeyFile(path);
  if (existing) {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) await chmod(path, 0o600);
    return existing;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file: KeyFile = {
    version: 1,
    keys: [{ id: newKeyId(now), createdAt: now.toISOString(), current: true, material: randomBytes(32).toString('base64') }],
    retired: [],
  };
  try {
    await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return file;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = await readKeyFile(path);
    if (!raced) throw err;
    return raced;
  }
}

function fromFile(file: KeyFile): LoadedKey[] {
  return file.keys.map((k) => ({
    id: k.id,
    current: k.current,
    createdAt: new Date(k.createdAt),
    source: 'file' as const,
    material: Buffer.from(k.material, 'base64'),
  }));
}

/** A rewrite replaces the file (a new inode), so inode plus mtime tells a rotated file apart. */
function versionOf(info: { ino: number; mtimeMs: number; size: number }): string {
  return `${info.ino}:${info.mtimeMs}:${info.size}`;
}

function rawAesKeyring(key: LoadedKey): RawAesKeyringNode {
  return new RawAesKeyringNode({
    keyNamespace: namespace,
    keyName: key.id,
    // The SDK wants a buffer of its own (not a slice of Node's shared pool); a copy each time also
    // survives the SDK zeroing material it no longer needs.
    unencryptedMasterKey: new Uint8Array(key.material),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

/**
 * KEYS=local: AES-256 master keys held by this process, from LOCAL_MASTER_KEY (and
 * LOCAL_PREVIOUS_MASTER_KEYS) or from a 0600 key file under DATA_DIR created on first start. Data keys are
 * wrapped with the AWS Encryption SDK's raw AES keyring. In file mode a running process notices a
 * rotated file (within `reloadIntervalMs`, or at once when it meets a key id it does not know), so
 * `npm run keys:rotate` needs no restart.
 */
export async function openLocalKeyRing(options: LocalKeyRingOptions): Promise<KeyRing> {
  const path = keyFilePath(options.dataDir);
  const fromEnv = options.envKey !== undefined;
  const reloadIntervalMs = options.reloadIntervalMs ?? 5_000;

  const envKeys = (): LoadedKey[] => [
    { ...options.envKey!, current: true, createdAt: options.envKeyCreatedAt, source: 'env' },
    ...(options.envPreviousKeys ?? []).map((k) => ({ ...k, current: false, createdAt: undefined, source: 'env' as const })),
  ];

  let keys: LoadedKey[] = fromEnv ? envKeys() : fromFile(await loadOrCreateKeyFile(path, new Date()));
  let fileVersion = fromEnv ? '' : versionOf(await stat(path));
  let lastCheck = Date.now();

  const current = (): LoadedKey => keys.find((k) => k.current)!;

  const envelope = createEnvelope({
    partition: `${namespace}:${randomUUID()}`,
    providerId: namespace,
    ...(options.cache ? { cache: options.cache } : {}),
    keyrings: () => ({
      encrypting: rawAesKeyring(current()),
      decrypting: new MultiKeyringNode({ children: keys.map(rawAesKeyring) }),
    }),
    // Raw AES provider info is the key name followed by binary tag and IV lengths (starting with a zero byte).
    keyIdOfProviderInfo: (info) => info.split('\0')[0] ?? info,
    canDecryptWith: async (keyId) => {
      if (keys.some((k) => k.id === keyId)) return true;
      await reload(true);
      return keys.some((k) => k.id === keyId);
    },
    classifyDecryptError: (error) => keyErrors.decryptFailed(error),
    classifyEncryptError: (error) => error as Error,
  });

  /** Re-reads the key file when it changed (checked at most every reloadIntervalMs unless forced). */
  async function reload(force: boolean): Promise<void> {
    if (fromEnv || (!force && Date.now() - lastCheck < reloadIntervalMs)) return;
    lastCheck = Date.now();
    const info = await stat(path).catch(() => undefined);
    if (!info || versionOf(info) === fileVersion) return;
    const file = await readKeyFile(path);
    if (!file) return;
    keys = fromFile(file);
    fileVersion = versionOf(info);
    envelope.reset();
  }

  return {
    kind: 'local',
    currentKeyId: () => current().id,
    keys: () => keys.map(({ material: _material, ...info }) => info),
    async encrypt(plaintext, context) {
      await reload(false);
      return envelope.encrypt(plaintext, context);
    },
    decrypt: (ciphertext, context) => envelope.decrypt(ciphertext, context),
    keyIdOf: (ciphertext) => envelope.keyIdOf(ciphertext),
  };
}

/**
 * Adds a fresh key to the key file and makes it current; the previous keys keep decrypting. Returns
 * the new key's id. Running processes pick it up within seconds (see openLocalKeyRing).
 */
export async function addLocalKey(dataDir: string, now = new Date()): Promise<string> {
  const path = keyFilePath(dataDir);
  const file = await loadOrCreateKeyFile(path, now);
  const id = newKeyId(now);
  const next: KeyFile = {
    ...file,
    keys: [
      { id, createdAt: now.toISOString(), current: true, material: randomBytes(32).toString('base64') },
      ...file.keys.map((k) => ({ ...k, current: false })),
    ],
  };
  await writeKeyFile(path, next);
  return id;
}

/**
 * Deletes a non-current key's material from the key file for good. Call it only after a re-encryption
 * pass found no ciphertext under that key (keys:rotate --retire does that check first).
 */
export async function retireLocalKey(dataDir: string, keyId: string, now = new Date()): Promise<void> {
  const path = keyFilePath(dataDir);
  const file = await readKeyFile(path);
  const key = file?.keys.find((k) => k.id === keyId);
  if (!file || !key) throw new Error(`no key "${keyId}" in ${path}`);
  if (key.current) throw new Error(`key "${keyId}" is current; rotate first`);
  await writeKeyFile(path, {
    ...file,
    keys: file.keys.filter((k) => k.id !== keyId),
    retired: [...file.retired, { id: keyId, retiredAt: now.toISOString() }],
  });
}

/**
 * The keys of the local key file without creating it or loading any material into a key ring
 * (for the security advisor); undefined when no key file exists yet.
 */
export async function describeLocalKeyFile(dataDir: string): Promise<KeyInfo[] | undefined> {
  const file = await readKeyFile(keyFilePath(dataDir));
  return file && fromFile(file).map(({ material: _material, ...info }) => info);
}
