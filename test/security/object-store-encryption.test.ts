import { mkdir, mkdtemp, readFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { addLocalKey, openLocalKeyRing } from '../../src/adapters/keys/local.js';
import { createLocalObjectStore, reencryptPrivateObjects } from '../../src/adapters/storage/local.js';

const secret = 'name,address\nAda Lovelace,12 St James Square\n';

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'bastion-store-'));
  const keyRing = await openLocalKeyRing({ dataDir: join(dir, 'data'), reloadIntervalMs: 0 });
  const root = join(dir, 'objects');
  return { dir, root, keyRing, store: createLocalObjectStore(root, { keyRing }) };
}

describe('local object store encryption at rest', () => {
  it('encrypts private objects on disk and returns the plaintext', async () => {
    const { root, store } = await setup();
    await store.put('private/exports/customers.csv', Buffer.from(secret), 'text/csv');
    const onDisk = await readFile(join(root, 'private/exports/customers.csv'));
    expect(onDisk.includes(Buffer.from('Ada Lovelace'))).toBe(false);
    const object = await store.get('private/exports/customers.csv');
    expect(object?.size).toBe(Buffer.byteLength(secret));
    expect(await text(object!.body)).toBe(secret);
  });

  it('keeps public media plain', async () => {
    const { root, store } = await setup();
    await store.put('media/ab/logo.svg', Buffer.from('<svg/>'), 'image/svg+xml');
    expect((await readFile(join(root, 'media/ab/logo.svg'))).toString()).toBe('<svg/>');
  });

  it('refuses a private file moved to another key', async () => {
    const { root, store } = await setup();
    await store.put('private/a.json', Buffer.from('{"a":1}'), 'application/json');
    await mkdir(dirname(join(root, 'private/b.json')), { recursive: true });
    await copyFile(join(root, 'private/a.json'), join(root, 'private/b.json'));
    await expect(store.get('private/b.json')).rejects.toMatchObject({ code: 'KEYS_CONTEXT_MISMATCH' });
  });

  it('refuses to store a private object without a key ring', async () => {
    const plain = createLocalObjectStore(await mkdtemp(join(tmpdir(), 'bastion-store-')));
    await expect(plain.put('private/x.json', Buffer.from('{}'), 'application/json')).rejects.toThrow(/key ring/);
  });

  it('re-encrypts private objects under a rotated key', async () => {
    const { dir, root, keyRing, store } = await setup();
    await store.put('private/one.json', Buffer.from('{"n":1}'), 'application/json');
    await store.put('private/deep/two.json', Buffer.from('{"n":2}'), 'application/json');
    const newKey = await addLocalKey(join(dir, 'data'));
    await keyRing.encrypt(Buffer.from('tick'), { probe: '1' });
    expect(await reencryptPrivateObjects(root, keyRing)).toEqual({ scanned: 2, rewritten: 2 });
    expect(keyRing.keyIdOf(await readFile(join(root, 'private/deep/two.json')))).toBe(newKey);
    expect(await text((await store.get('private/deep/two.json'))!.body)).toBe('{"n":2}');
    expect(await reencryptPrivateObjects(root, keyRing)).toEqual({ scanned: 2, rewritten: 0 });
  });
});
