import { createPasswordHasher, type PasswordHasher } from '../../src/modules/auth/passwords.js';

/** Cheap argon2id for flow tests; test/auth/primitives.test.ts checks the real parameters. */
export const fastArgon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** A PasswordHasher that counts the work it does, for the enumeration tests. */
export interface CountingHasher extends PasswordHasher {
  calls: { hash: number; verify: number; dummy: number };
}

export function countingHasher(inner: PasswordHasher = createPasswordHasher(fastArgon2)): CountingHasher {
  const calls = { hash: 0, verify: 0, dummy: 0 };
  return {
    calls,
    hash: (p) => (calls.hash++, inner.hash(p)),
    verify: (h, p) => (calls.verify++, inner.verify(h, p)),
    verifyAgainstDummy: (p) => (calls.dummy++, inner.verifyAgainstDummy(p)),
    needsRehash: (h) => inner.needsRehash(h),
  };
}
