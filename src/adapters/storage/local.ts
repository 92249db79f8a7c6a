import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

/** Objects as files under `root`; the content type comes from the key's extension. */
export function createLocalObjectStore(root: string): ObjectStore {
  const pathOf = (key: string): string => {
    assertValidKey(key);
    return join(root, key);
  };
  return {
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Write then rename, so a reader never sees half a file.
      const temp = `${path}.${process.pid}.tmp`;
      await writeFile(temp, body);
      await rename(temp, path);
    },
    async get(key): Promise<StoredObject | undefined> {
      const path = pathOf(key);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      const ext = key.slice(key.lastIndexOf('.') + 1);
      return { body: createReadStream(path), size: info.size, contentType: contentTypes[ext] ?? 'application/octet-stream' };
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
