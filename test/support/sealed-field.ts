import { expect } from 'vitest';
import type { KeyRing } from '../../src/adapters/keys/key-ring.js';
import { codeOf } from './error-code.js';

/** Where a sealed personal-data value lives; its ciphertext must open for exactly this place. */
export interface SealedPlace {
  table: string;
  column: string;
  rowId: string;
}

/**
 * The header of an AWS Encryption SDK message, version 2, read byte by byte as the SDK's message-format
 * reference lays it out (not with the SDK): version, algorithm suite, message id, encryption context,
 * encrypted data keys, content type, frame length.
 */
export interface EsdkHeader {
  version: number;
  suiteId: number;
  context: Record<string, string>;
  dataKeys: { providerId: string; providerInfo: string }[];
  contentType: number;
  frameLength: number;
}

export function readEsdkHeader(bytes: Uint8Array): EsdkHeader {
  const buf = Buffer.from(bytes);
  let at = 0;
  const u8 = () => buf.readUInt8((at += 1) - 1);
  const u16 = () => buf.readUInt16BE((at += 2) - 2);
  const u32 = () => buf.readUInt32BE((at += 4) - 4);
  const take = (n: number) => {
    if (at + n > buf.length) throw new Error('truncated ESDK header');
    return buf.subarray((at += n) - n, at);
  };
  const version = u8();
  const suiteId = u16();
  take(32); // message id
  const contextLength = u16();
  const context: Record<string, string> = {};
  if (contextLength > 0) {
    const end = at + contextLength;
    const pairs = u16();
    for (let i = 0; i < pairs; i += 1) {
      const key = take(u16()).toString('utf8');
      context[key] = take(u16()).toString('utf8');
    }
    if (at !== end) throw new Error('ESDK encryption context length does not add up');
  }
  const dataKeys: EsdkHeader['dataKeys'] = [];
  const keyCount = u16();
  for (let i = 0; i < keyCount; i += 1) {
    const providerId = take(u16()).toString('utf8');
    const providerInfo = take(u16()).toString('utf8');
    take(u16()); // the wrapped data key
    dataKeys.push({ providerId, providerInfo });
  }
  const contentType = u8();
  const frameLength = u32();
  return { version, suiteId, context, dataKeys, contentType, frameLength };
}

/** ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY: committing AES-256-GCM, no signature. */
export const committingSuiteId = 0x0478;

const contextOf = (place: SealedPlace): Record<string, string> => ({ 'bastion:table': place.table, 'bastion:column': place.column, 'bastion:row': place.rowId });

/**
 * Checks that `stored` is a Bastion envelope and not an encoding of the value: an ESDK v2 message under the
 * committing suite, framed, with one data key wrapped by the ring's current local key, bound to exactly
 * the table, column and row it was read from. It opens there (returning the plaintext) and nowhere else:
 * not for another row, not for another column, and not after its header is rewritten to name another row.
 */
export async function expectSealedFor(keyRing: KeyRing, stored: Uint8Array, place: SealedPlace, elsewhere: { otherRowId: string; otherColumn: string }): Promise<string> {
  const header = readEsdkHeader(stored);
  expect(header).toMatchObject({ version: 2, suiteId: committingSuiteId, contentType: 2 });
  expect(header.context).toEqual(contextOf(place));
  expect(header.dataKeys).toHaveLength(1);
  expect(header.dataKeys[0]!.providerId).toBe(keyRing.kind === 'local' ? 'bastion-local' : 'aws-kms');
  expect(header.dataKeys[0]!.providerInfo.startsWith(keyRing.currentKeyId())).toBe(true);

  const opened = (await keyRing.decrypt(stored, contextOf(place))).toString('utf8');
  expect(await codeOf(keyRing.decrypt(stored, contextOf({ ...place, rowId: elsewhere.otherRowId })))).toBe('KEYS_CONTEXT_MISMATCH');
  expect(await codeOf(keyRing.decrypt(stored, contextOf({ ...place, column: elsewhere.otherColumn })))).toBe('KEYS_CONTEXT_MISMATCH');
  expect(await codeOf(keyRing.decrypt(stored, contextOf({ ...place, table: `${place.table}_copy` })))).toBe('KEYS_CONTEXT_MISMATCH');

  // The context in the header is authenticated, not only compared: naming another row there breaks it.
  if (Buffer.byteLength(elsewhere.otherRowId) === Buffer.byteLength(place.rowId) && elsewhere.otherRowId !== place.rowId) {
    const forged = Buffer.from(stored);
    const at = forged.indexOf(Buffer.from(place.rowId));
    expect(at).toBeGreaterThan(0);
    Buffer.from(elsewhere.otherRowId).copy(forged, at);
    expect(readEsdkHeader(forged).context['bastion:row']).toBe(elsewhere.otherRowId);
    expect(await codeOf(keyRing.decrypt(forged, contextOf({ ...place, rowId: elsewhere.otherRowId })))).toBe('KEYS_DECRYPT_FAILED');
  }
  return opened;
}
