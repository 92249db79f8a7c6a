import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAwsKmsKeyRing } from '../../src/adapters/keys/aws-kms.js';
import type { KeyRing } from '../../src/adapters/keys/key-ring.js';
import { parseEnvMasterKey } from '../../src/adapters/keys/key-config.js';
import { addLocalKey, keyFilePath, openLocalKeyRing, retireLocalKey } from '../../src/adapters/keys/local.js';
import { startFakeKms, type FakeKms } from '../support/fake-kms.js';
import { codeOf } from '../support/error-code.js';

const row = (id: string) => ({ 'bastion:table': 'customer', 'bastion:column': 'name', 'bastion:row': id });
const tempDir = () => mkdtemp(join(tmpdir(), 'bastion-keys-'));

/** Flips one bit of the encrypted body (the last bytes are the frame's tag and body). */
function tamper(ciphertext: Buffer, fromEnd = 20): Buffer {
  const copy = Buffer.from(ciphertext);
  copy[copy.length - fromEnd]! ^= 0x01;
  return copy;
}

describe('local key ring', () => {
  it('creates a 0600 key file on first start and reuses it afterwards', async () => {
    const dataDir = await tempDir();
    const first = await openLocalKeyRing({ dataDir });
    const info = await stat(keyFilePath(dataDir));
    expect(info.mode & 0o777).toBe(0o600);
    const second = await openLocalKeyRing({ dataDir });
    expect(second.currentKeyId()).toBe(first.currentKeyId());
    expect(second.keys()).toEqual([expect.objectContaining({ id: first.currentKeyId(), current: true, source: 'file' })]);
    const sealed = await first.encrypt(Buffer.from('Ada Lovelace'), row('1'));
    expect((await second.decrypt(sealed, row('1'))).toString()).toBe('Ada Lovelace');
  });

  it('tightens a key file that others can read', async () => {
    const dataDir = await tempDir();
    await openLocalKeyRing({ dataDir });
    await chmod(keyFilePath(dataDir), 0o644);
    await openLocalKeyRing({ dataDir });
    expect((await stat(keyFilePath(dataDir))).mode & 0o777).toBe(0o600);
  });

  it('never writes the plaintext into the ciphertext and names the sealing key', async () => {
    const ring = await openLocalKeyRing({ dataDir: await tempDir() });
    const sealed = await ring.encrypt(Buffer.from('Ada Lovelace'), row('1'));
    expect(sealed.includes(Buffer.from('Ada Lovelace'))).toBe(false);
    expect(ring.keyIdOf(sealed)).toBe(ring.currentKeyId());
  });

  it('refuses a ciphertext copied to another row', async () => {
    const ring = await openLocalKeyRing({ dataDir: await tempDir() });
    const sealed = await ring.encrypt(Buffer.from('Ada Lovelace'), row('1'));
    expect(await codeOf(ring.decrypt(sealed, row('2')))).toBe('KEYS_CONTEXT_MISMATCH');
    expect(await codeOf(ring.decrypt(sealed, { ...row('1'), 'bastion:column': 'phone' }))).toBe('KEYS_CONTEXT_MISMATCH');
    expect(await codeOf(ring.decrypt(sealed, { ...row('1'), extra: 'x' }))).toBe('KEYS_CONTEXT_MISMATCH');
  });

  it('refuses a tampered ciphertext', async () => {
    const ring = await openLocalKeyRing({ dataDir: await tempDir() });
    const sealed = await ring.encrypt(Buffer.from('Ada Lovelace'), row('1'));
    expect(await codeOf(ring.decrypt(tamper(sealed), row('1')))).toBe('KEYS_DECRYPT_FAILED');
    expect(await codeOf(ring.decrypt(tamper(sealed, 1), row('1')))).toBe('KEYS_DECRYPT_FAILED');
    expect(await codeOf(ring.decrypt(sealed.subarray(0, sealed.length - 5), row('1')))).toMatch(/KEYS_(DECRYPT_FAILED|MALFORMED_CIPHERTEXT)/);
    expect(await codeOf(ring.decrypt(randomBytes(200), row('1')))).toBe('KEYS_MALFORMED_CIPHERTEXT');
  });

  it('refuses a ciphertext whose header context was rewritten to match', async () => {
    const ring = await openLocalKeyRing({ dataDir: await tempDir() });
    const sealed = await ring.encrypt(Buffer.from('Ada Lovelace'), row('1'));
    // Same length, so the header still parses: only its authentication tag can catch the change.
    const forged = Buffer.from(sealed.toString('latin1').replace('bastion:row\u0000\u00011', 'bastion:row\u0000\u00012'), 'latin1');
    expect(forged.equals(sealed)).toBe(false);
    expect(await codeOf(ring.decrypt(forged, row('2')))).toBe('KEYS_DECRYPT_FAILED');
  });

  it('reports a missing key rather than a broken ciphertext', async () => {
    const one = await openLocalKeyRing({ dataDir: await tempDir() });
    const other = await openLocalKeyRing({ dataDir: await tempDir() });
    const sealed = await one.encrypt(Buffer.from('Ada'), row('1'));
    expect(await codeOf(other.decrypt(sealed, row('1')))).toBe('KEYS_KEY_UNAVAILABLE');
  });

  it('takes keys from the environment, with previous keys that still decrypt', async () => {
    const oldKey = parseEnvMasterKey(`old:${randomBytes(32).toString('base64')}`)!;
    const newKey = parseEnvMasterKey(randomBytes(32).toString('base64'))!;
    expect(newKey.id).toMatch(/^env-[0-9a-f]{12}$/);
    expect(parseEnvMasterKey(randomBytes(16).toString('base64'))).toBeUndefined();
    const dataDir = await tempDir();
    const before = await openLocalKeyRing({ dataDir, envKey: oldKey });
    const sealed = await before.encrypt(Buffer.from('Ada'), row('1'));
    const after = await openLocalKeyRing({ dataDir, envKey: newKey, envPreviousKeys: [oldKey] });
    expect((await after.decrypt(sealed, row('1'))).toString()).toBe('Ada');
    expect(after.keyIdOf(await after.encrypt(Buffer.from('Ada'), row('1')))).toBe(newKey.id);
    await expect(stat(keyFilePath(dataDir))).rejects.toThrow();
  });

  it('picks up a rotated key file while running, and forgets a retired key', async () => {
    const dataDir = await tempDir();
    const ring = await openLocalKeyRing({ dataDir, reloadIntervalMs: 0 });
    const oldId = ring.currentKeyId();
    const old = await ring.encrypt(Buffer.from('Ada'), row('1'));
    const newId = await addLocalKey(dataDir);
    const fresh = await ring.encrypt(Buffer.from('Grace'), row('2'));
    expect(ring.keyIdOf(fresh)).toBe(newId);
    expect(ring.currentKeyId()).toBe(newId);
    expect((await ring.decrypt(old, row('1'))).toString()).toBe('Ada');
    await retireLocalKey(dataDir, oldId);
    await ring.encrypt(Buffer.from('x'), row('3'));
    expect(await codeOf(ring.decrypt(old, row('1')))).toBe('KEYS_KEY_UNAVAILABLE');
    const file = JSON.parse(await readFile(keyFilePath(dataDir), 'utf8')) as { retired: { id: string }[] };
    expect(file.retired.map((r) => r.id)).toEqual([oldId]);
    await expect(retireLocalKey(dataDir, newId)).rejects.toThrow(/current/);
  });
});

describe('AWS KMS key ring against a loopback KMS', () => {
  let kms: FakeKms;
  let keyArn: string;
  const credentials = { accessKeyId: 'AKIAFAKEFAKEFAKE', secretAccessKey: 'fake-secret' };
  const open = (options: { keyArn?: string; previousKeyArns?: string[] } = {}): KeyRing =>
    openAwsKmsKeyRing({ keyArn: options.keyArn ?? keyArn, previousKeyArns: options.previousKeyArns ?? [], endpoint: kms.endpoint, credentials, maxAttempts: 1 });

  beforeAll(async () => {
    kms = await startFakeKms();
    keyArn = kms.createKey();
  });
  afterAll(async () => kms.close());

  it('seals with a data key from GenerateDataKey and opens it with Decrypt, bound to its context', async () => {
    const ring = open();
    const before = { ...kms.calls };
    const sealed = await ring.encrypt(Buffer.from('Ada Lovelace'), row('1'));
    expect(ring.keyIdOf(sealed)).toBe(keyArn);
    expect((await ring.decrypt(sealed, row('1'))).toString()).toBe('Ada Lovelace');
    expect((kms.calls.GenerateDataKey ?? 0) - (before.GenerateDataKey ?? 0)).toBe(1);
    expect((kms.calls.Decrypt ?? 0) - (before.Decrypt ?? 0)).toBe(1);
  });

  it('serves repeated reads of one value from the data-key cache', async () => {
    const ring = open();
    const sealed = await ring.encrypt(Buffer.from('Ada'), row('7'));
    const before = kms.calls.Decrypt ?? 0;
    for (let i = 0; i < 5; i++) await ring.decrypt(sealed, row('7'));
    expect((kms.calls.Decrypt ?? 0) - before).toBe(1);
  });

  it('refuses another row without asking KMS', async () => {
    const ring = open();
    const sealed = await ring.encrypt(Buffer.from('Ada'), row('1'));
    const before = kms.calls.Decrypt ?? 0;
    expect(await codeOf(ring.decrypt(sealed, row('2')))).toBe('KEYS_CONTEXT_MISMATCH');
    expect(kms.calls.Decrypt ?? 0).toBe(before);
  });

  it('refuses a tampered ciphertext', async () => {
    const ring = open();
    const sealed = await ring.encrypt(Buffer.from('Ada'), row('1'));
    expect(await codeOf(open().decrypt(tamper(sealed), row('1')))).toBe('KEYS_DECRYPT_FAILED');
  });

  it('turns a KMS error into KEYS_SERVICE_FAILED', async () => {
    const ring = open();
    kms.failNext('GenerateDataKey', { type: 'DisabledException', status: 400, message: 'key is disabled' });
    expect(await codeOf(ring.encrypt(Buffer.from('Ada'), row('9')))).toBe('KEYS_SERVICE_FAILED');
    const sealed = await ring.encrypt(Buffer.from('Ada'), row('9'));
    kms.failNext('Decrypt', { type: 'AccessDeniedException', status: 400, message: 'not allowed' });
    expect(await codeOf(open().decrypt(sealed, row('9')))).toBe('KEYS_SERVICE_FAILED');
    kms.failNext('Decrypt', { type: 'KMSInternalException', status: 500 });
    expect(await codeOf(open().decrypt(sealed, row('9')))).toBe('KEYS_SERVICE_FAILED');
  });

  it('decrypts under a previous key after moving to a new one, and not once it is dropped', async () => {
    const sealed = await open().encrypt(Buffer.from('Ada'), row('1'));
    const newArn = kms.createKey();
    const moved = open({ keyArn: newArn, previousKeyArns: [keyArn] });
    expect((await moved.decrypt(sealed, row('1'))).toString()).toBe('Ada');
    expect(moved.keyIdOf(await moved.encrypt(Buffer.from('Ada'), row('1')))).toBe(newArn);
    expect(await codeOf(open({ keyArn: newArn }).decrypt(sealed, row('1')))).toBe('KEYS_KEY_UNAVAILABLE');
  });

  it('rejects a key id that is not an ARN', () => {
    expect(() => openAwsKmsKeyRing({ keyArn: 'alias/bastion' })).toThrow(/ARN/);
  });
});
