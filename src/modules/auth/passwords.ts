/**
 * Password storage and the rules for new passwords, as the Copenhagen Book's "Password authentication"
 * chapter and NIST SP 800-63B §3.1.1.2 lay them out.
 *
 * - Hashing: argon2id (@node-rs/argon2, prebuilt binaries) with OWASP's recommended parameters,
 *   m = 19456 KiB, t = 2, p = 1. The PHC string keeps its parameters, so a hash made with older ones is
 *   upgraded at the next successful sign-in (`needsRehash`).
 * - Rules: 8 to 256 characters (Unicode code points, after NFKC normalisation, so the same password typed
 *   on two keyboards hashes the same); refused when it is one of the 38,452 common passwords shipped in
 *   `data/common-passwords.txt` (compared lower-cased); no composition rules, no forced rotation.
 * - No enumeration by timing: when an account does not exist, `verifyAgainstDummy` runs the same argon2id
 *   verification against a throw-away hash, so both answers cost the same.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { passwordTooCommon, passwordTooLong, passwordTooShort } from './auth.errors.js';

export interface Argon2Params {
  /** KiB */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet, argon2id, first recommended configuration. */
export const owaspArgon2id: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const passwordMinLength = 8;
export const passwordMaxLength = 256;

/** The port services use; tests may wrap it to observe the work done. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(phc: string, password: string): Promise<boolean>;
  /** Runs a verification whose result is thrown away: the work an unknown account must still cost. */
  verifyAgainstDummy(password: string): Promise<void>;
  /** True when `phc` was made with other parameters than the current ones. */
  needsRehash(phc: string): boolean;
}

export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

export function createPasswordHasher(params: Argon2Params = owaspArgon2id): PasswordHasher {
  // Algorithm.Argon2id is an ambient const enum, which isolated modules cannot read; its value is 2.
  const options = { algorithm: 2 as Algorithm, ...params };
  const current = `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$`;
  let dummy: Promise<string> | undefined;

  return {
    hash: (password) => hash(normalisePassword(password), options),
    async verify(phc, password) {
      try {
        return await verify(phc, normalisePassword(password));
      } catch {
        return false; // a malformed stored hash never signs anyone in
      }
    },
    async verifyAgainstDummy(password) {
      dummy ??= hash(randomBytes(16).toString('base64url'), options);
      await verify(await dummy, normalisePassword(password)).catch(() => false);
    },
    needsRehash: (phc) => !phc.startsWith(current),
  };
}

let commonPasswords: Set<string> | undefined;

/** True when the password (lower-cased) is in the shipped list of common passwords. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(
    readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
  return commonPasswords.has(normalisePassword(password).toLowerCase());
}

/** Throws AUTH_PASSWORD_TOO_SHORT / _TOO_LONG / _TOO_COMMON for a password that may not be chosen. */
export function assertAcceptablePassword(password: string): void {
  const length = [...normalisePassword(password)].length;
  if (length < passwordMinLength) throw passwordTooShort(passwordMinLength);
  if (length > passwordMaxLength) throw passwordTooLong(passwordMaxLength);
  if (isCommonPassword(password)) throw passwordTooCommon();
}
