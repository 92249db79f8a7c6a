import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/kernel/errors.js';
import { normaliseEmail } from '../../src/modules/auth/accounts.js';
import { normaliseRecoveryCode } from '../../src/modules/auth/mfa.js';
import { assertAcceptablePassword, createPasswordHasher, isCommonPassword, owaspArgon2id } from '../../src/modules/auth/passwords.js';
import { lockAfter } from '../../src/modules/auth/throttle.js';
import { generateToken, hashToken, isWellFormedToken } from '../../src/modules/auth/tokens.js';

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
};

describe('tokens', () => {
  it('are 256 random bits in base64url, different every time, stored as their SHA-256', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(hashToken(a).toString('hex')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a).equals(hashToken(a))).toBe(true);
    expect(isWellFormedToken(a)).toBe(true);
    expect(isWellFormedToken(`${a}=`)).toBe(false);
    expect(isWellFormedToken('')).toBe(false);
  });
});

describe('passwords', () => {
  it('hash with argon2id at the OWASP parameters (m=19456 KiB, t=2, p=1) and verify', async () => {
    const hasher = createPasswordHasher();
    const phc = await hasher.hash('quiet harbour lantern');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.verify(phc, 'quiet harbour lantern')).toBe(true);
    expect(await hasher.verify(phc, 'quiet harbour lanterns')).toBe(false);
    expect(hasher.needsRehash(phc)).toBe(false);
    expect(owaspArgon2id).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it('flag a hash made with weaker parameters for an upgrade, and never accept a malformed one', async () => {
    const weak = createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const phc = await weak.hash('quiet harbour lantern');
    const strong = createPasswordHasher();
    expect(strong.needsRehash(phc)).toBe(true);
    expect(await strong.verify(phc, 'quiet harbour lantern')).toBe(true);
    expect(await strong.verify('not a hash', 'anything')).toBe(false);
  });

  it('treat a password typed in composed or decomposed Unicode as the same (NFKC)', async () => {
    const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const phc = await hasher.hash('crème brûlée dessert');
    expect(await hasher.verify(phc, 'cre\u0300me bru\u0302le\u0301e dessert')).toBe(true);
  });

  it('accept 8 to 256 characters, counted as code points, with no composition rules', () => {
    expect(codeOf(() => assertAcceptablePassword('seven c'))).toBe('AUTH_PASSWORD_TOO_SHORT');
    expect(codeOf(() => assertAcceptablePassword('🦊🦊🦊🦊🦊🦊🦊'))).toBe('AUTH_PASSWORD_TOO_SHORT');
    expect(codeOf(() => assertAcceptablePassword('🦊🦊🦊🦊🦊🦊🦊🦊'))).toBeUndefined();
    expect(codeOf(() => assertAcceptablePassword('abcdefgh'))).toBe('AUTH_PASSWORD_TOO_COMMON');
    expect(codeOf(() => assertAcceptablePassword('zqxwvtplmk'))).toBeUndefined();
    expect(codeOf(() => assertAcceptablePassword('y'.repeat(256)))).toBeUndefined();
    expect(codeOf(() => assertAcceptablePassword('y'.repeat(257)))).toBe('AUTH_PASSWORD_TOO_LONG');
  });

  it('ship a list of at least 10,000 common passwords, all of a length the rules would otherwise accept', () => {
    const list = readFileSync(new URL('../../src/modules/auth/data/common-passwords.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);
    expect(list.length).toBeGreaterThanOrEqual(10_000);
    expect(list.every((p) => p.length >= 8 && p.length <= 128 && p === p.toLowerCase())).toBe(true);
    for (const common of ['password', '12345678', 'qwertyuiop', 'iloveyou', 'PASSWORD1', 'Sunshine1']) expect(isCommonPassword(common), common).toBe(true);
    expect(isCommonPassword('quiet harbour lantern')).toBe(false);
  });
});

describe('e-mail addresses', () => {
  it('are trimmed and lower-cased, and refused when not an address', () => {
    expect(normaliseEmail('  Ann.Lee+shop@Example.COM ')).toBe('ann.lee+shop@example.com');
    for (const bad of ['ann', 'ann@', '@example.com', 'ann@example', 'a b@example.com', `${'a'.repeat(250)}@example.com`, 'ann@exa_mple.com']) {
      expect(codeOf(() => normaliseEmail(bad)), bad).toBe('AUTH_EMAIL_INVALID');
    }
  });
});

describe('throttle', () => {
  it('lets five failures pass, then doubles the lock from one second up to fifteen minutes', () => {
    expect([1, 2, 3, 4].map((n) => lockAfter(n))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8].map((n) => lockAfter(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(lockAfter(40)).toBe(15 * 60_000);
  });
});

describe('recovery codes', () => {
  it('compare without case, spaces or dashes', () => {
    expect(normaliseRecoveryCode('abcd-efgh ijkl-mn23')).toBe('ABCDEFGHIJKLMN23');
  });
});
