import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { EncryptionContext, KeyRing } from '../keys/key-ring.js';
import { assertValidKey, type ObjectStore, type StoredObject } from './object-store.js';

const contentTypes: Record<string, string> = {
  webp: 'image/webp',
  avif: 'image/avif',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  svg: 'image/svg+xml',
  json: 'application/json',
};

/** Keys under this prefix hold private objects (uploads, exports): encrypted at rest. */
export const privatePrefix = 'private/';

const isPrivate = (key: string): boolean => key.startsWith(privatePrefix);

/** Binds a private object's ciphertext to its key, so a file moved to another key does not open. */
export function objectContext(key: string): EncryptionContext {
  return { 'bastion:object': key };
}

/** Write then rename, so a reader never sees half a file. */
async function writeAtomically(path: string, body: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, body);
  await rename(temp, path);
}

/**
 * Objects as files under `root`; the content type comes from the key's extension. Objects under
 * `private/` are sealed with the key ring (envelope encryption, bound to the object key) and opened on
 * read; public `media/` stays plain so it can be served and cached as is. Without a key ring, private
 * objects are refused rather than written in the clear.
 */
export function createLocalObjectStore(root: string, options: { keyRing?: KeyRing } = {}): ObjectStore {
  const pathOf = (key: string): string => {
    assertValidKey(key);
    return join(root, key);
  };
  const ring = (key: string): KeyRing => {
    if (!options.keyRing) throw new Error(`object ${key}: private objects need a key ring to be encrypted at rest`);
    return options.keyRing;
  };
  return {
    async put(key, body) {
      const path = pathOf(key);
      await writeAtomically(path, isPrivate(key) ? await ring(key).encrypt(body, objectContext(key)) : body);
    },
    async get(key): Promise<StoredObject | undefined> {
      const path = pathOf(key);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      const ext = key.slice(key.lastIndexOf('.') + 1);
      const contentType = contentTypes[ext] ?? 'application/octet-stream';
      if (isPrivate(key)) {
        const plaintext = await ring(key).decrypt(await readFile(path), objectContext(key));
        return { body: Readable.from([plaintext]), size: plaintext.length, contentType };
      }
      return { body: createReadStream(path), size: info.size, contentType };
    },
    async exists(key) {
      const info = await stat(pathOf(key)).catch(() => undefined);
      return info?.isFile() ?? false;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/**
 * Re-encrypts every private object not yet under the key ring's current key (part of
 * `npm run keys:rotate`). Each file is replaced atomically, so readers see the old or the new
 * ciphertext, both of which open. Returns how many files were looked at and rewritten.
 */
export async function reencryptPrivateObjects(root: string, keyRing: KeyRing): Promise<{ scanned: number; rewritten: number }> {
  let scanned = 0;
  let rewritten = 0;
  for (const { path, key } of await listPrivateFiles(root)) {
    scanned += 1;
    const sealed = await readFile(path);
    if (keyRing.keyIdOf(sealed) === keyRing.currentKeyId()) continue;
    const plaintext = await keyRing.decrypt(sealed, objectContext(key));
    await writeAtomically(path, await keyRing.encrypt(plaintext, objectContext(key)));
    rewritten += 1;
  }
  return { scanned, rewritten };
}

/** How many private objects each key seals, reading only headers (before retiring a key). */
export async function countPrivateObjectsByKey(root: string, keyRing: KeyRing): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { path } of await listPrivateFiles(root)) {
    const keyId = keyRing.keyIdOf(await readFile(path));
    counts.set(keyId, (counts.get(keyId) ?? 0) + 1);
  }
  return counts;
}

async function listPrivateFiles(root: string): Promise<{ path: string; key: string }[]> {
  const entries = await readdir(join(root, privatePrefix), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, key: relative(root, path).split('\\').join('/') };
    });
}
