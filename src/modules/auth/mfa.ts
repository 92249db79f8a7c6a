/**
 * Multi-factor authentication with TOTP, as the Copenhagen Book's "Multi-factor authentication" chapter
 * lays it out, with RFC 6238 codes from otplib (SHA-1, 6 digits, 30-second steps: what every
 * authenticator app reads).
 *
 * - Enrolment: a 160-bit secret from the CSPRNG, sealed with field encryption (bound to the account), shown
 *   once as an otpauth:// QR code rendered here as SVG (the secret never goes to a third-party service)
 *   and as text. MFA is on only after a first correct code confirms the enrolment.
 * - Verification accepts the current step and one step either side (clock drift), and records the step it
 *   accepted in a conditional update, so a code, or any code from an earlier step, is refused the second
 *   time (no replay within the window, even by two concurrent requests).
 * - Ten recovery codes (80 bits each), shown once, stored as SHA-256 (they are random, so a fast hash is
 *   enough), each used up by one read-and-delete.
 * - Turning MFA off needs the password and a current code (or a recovery code).
 */
import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import QRCode from 'qrcode';
import type { Db } from '../../db/database.js';
import type { FieldEncryption } from '../encryption/index.js';
import { mfaAlreadyEnabled, mfaNotEnabled, mfaNotEnrolling } from './auth.errors.js';
import * as repo from './auth.repository.js';

export const recoveryCodeCount = 10;
const periodSeconds = 30;

export interface Enrolment {
  /** Base32, for typing into an app by hand. */
  secret: string;
  otpauthUri: string;
  /** An SVG image of the QR code for `otpauthUri`. */
  qrSvg: string;
}

export interface Mfa {
  isEnabled(userId: string): Promise<boolean>;
  /** Starts (or restarts) an enrolment; AUTH_MFA_ALREADY_ENABLED when MFA is on. */
  enrol(userId: string, label: string): Promise<Enrolment>;
  /** The enrolment awaiting its first code, shown again after a wrong code; undefined when there is none. */
  pending(userId: string, label: string): Promise<Enrolment | undefined>;
  /**
   * Confirms an enrolment with its first code and returns the recovery codes (the only time they are
   * shown); `inTransaction` runs in the same transaction when the code is right (the owner's notice).
   */
  confirm(userId: string, code: string, inTransaction?: (trx: Db) => Promise<void>): Promise<string[] | undefined>;
  /** True when the code is right and its time step is later than any accepted before. */
  verifyCode(userId: string, code: string): Promise<boolean>;
  /** True when the recovery code was unused; it is used up now. */
  useRecoveryCode(userId: string, code: string): Promise<boolean>;
  remainingRecoveryCodes(userId: string): Promise<number>;
  /** Turns MFA off; `inTransaction` runs in the same transaction (the owner's notice). */
  disable(userId: string, inTransaction?: (trx: Db) => Promise<void>): Promise<void>;
}

const totpPattern = /^[0-9]{6}$/;

/** Upper-case, no separators: `abcd-efgh ijkl-mnop` and `ABCDEFGHIJKLMNOP` are the same code. */
export function normaliseRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newRecoveryCode(): string {
  const bytes = randomBytes(10); // 80 bits → 16 base32 characters
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.toLowerCase().match(/.{4}/g)!.join('-');
}

const hashRecoveryCode = (code: string): Buffer => createHash('sha256').update(normaliseRecoveryCode(code), 'utf8').digest();

export function createMfa(deps: { db: Db; now: () => Date; fieldEncryption: FieldEncryption; issuer: string }): Mfa {
  const { db, now, fieldEncryption: fe } = deps;
  const sealRef = (userId: string) => ({ table: 'mfa_totp', column: 'secret_encrypted', rowId: userId });

  const enrolmentOf = async (secret: string, label: string): Promise<Enrolment> => {
    const otpauthUri = generateURI({ issuer: deps.issuer, label, secret });
    const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauthUri, qrSvg };
  };

  /** The step a code belongs to, when it is right within ±1 step of now; undefined otherwise. */
  const matchingStep = async (row: repo.TotpRow, code: string): Promise<number | undefined> => {
    if (!totpPattern.test(code)) return undefined;
    const secret = await fe.open(sealRef(row.user_id), row.secret_encrypted);
    const epoch = Math.floor(now().getTime() / 1000);
    const result = await verifyTotp({
      secret,
      token: code,
      epoch,
      epochTolerance: periodSeconds,
      ...(row.last_time_step !== null ? { afterTimeStep: Number(row.last_time_step) } : {}),
    });
    // RFC 6238's T for the step that matched: the current step plus the drift otplib found.
    return result.valid ? Math.floor(epoch / periodSeconds) + result.delta : undefined;
  };

  return {
    async isEnabled(userId) {
      const row = await repo.findTotp(db, userId);
      return row !== undefined && row.confirmed_at !== null;
    },

    async enrol(userId, label) {
      const secret = generateSecret({ length: 20 });
      const stored = await repo.upsertPendingTotp(db, userId, await fe.seal(sealRef(userId), secret), now());
      if (!stored) throw mfaAlreadyEnabled();
      return enrolmentOf(secret, label);
    },

    async pending(userId, label) {
      const row = await repo.findTotp(db, userId);
      if (row === undefined || row.confirmed_at !== null) return undefined;
      return enrolmentOf(await fe.open(sealRef(userId), row.secret_encrypted), label);
    },

    async confirm(userId, code, inTransaction) {
      const row = await repo.findTotp(db, userId);
      if (row === undefined) throw mfaNotEnrolling();
      if (row.confirmed_at !== null) throw mfaAlreadyEnabled();
      const step = await matchingStep(row, code);
      if (step === undefined) return undefined;
      const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
      const at = now();
      const confirmed = await db.transaction().execute(async (trx) => {
        if (!(await repo.advanceTimeStep(trx, userId, step, at))) return false;
        await repo.replaceRecoveryCodes(trx, userId, codes.map(hashRecoveryCode), at);
        await inTransaction?.(trx);
        return true;
      });
      return confirmed ? codes : undefined;
    },

    async verifyCode(userId, code) {
      const row = await repo.findTotp(db, userId);
      if (row === undefined || row.confirmed_at === null) throw mfaNotEnabled();
      const step = await matchingStep(row, code);
      return step !== undefined && (await repo.advanceTimeStep(db, userId, step));
    },

    async useRecoveryCode(userId, code) {
      const normalised = normaliseRecoveryCode(code);
      if (!/^[A-Z2-7]{16}$/.test(normalised)) return false;
      return repo.consumeRecoveryCode(db, userId, hashRecoveryCode(normalised));
    },

    remainingRecoveryCodes: (userId) => repo.countRecoveryCodes(db, userId),

    async disable(userId, inTransaction) {
      await db.transaction().execute(async (trx) => {
        await repo.deleteTotp(trx, userId);
        await repo.replaceRecoveryCodes(trx, userId, [], now());
        await inTransaction?.(trx);
      });
    },
  };
}
