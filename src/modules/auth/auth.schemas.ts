import { Type } from 'typebox';

/**
 * Request and response shapes of the auth API. Every body rejects unknown fields, so a `role`,
 * `isAdmin` or `emailVerified` sent along is a 400 VALIDATION_FAILED, never silently stored or ignored.
 * Lengths here only bound the work; the rules (password length, e-mail shape) are the service's.
 */
const strict = { additionalProperties: false } as const;
const Email = Type.String({ minLength: 3, maxLength: 320 });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Token = Type.String({ minLength: 1, maxLength: 128 });
const TotpCode = Type.String({ minLength: 1, maxLength: 16 });
const RecoveryCode = Type.String({ minLength: 1, maxLength: 64 });

export const SignUpBody = Type.Object({ email: Email, password: Password }, strict);
export const SignInBody = Type.Object({ email: Email, password: Password }, strict);
export const TokenBody = Type.Object({ token: Token }, strict);
export const ResetRequestBody = Type.Object({ email: Email }, strict);
export const ResetConfirmBody = Type.Object({ token: Token, password: Password }, strict);
export const ChangePasswordBody = Type.Object({ currentPassword: Password, newPassword: Password }, strict);
export const EmailChangeBody = Type.Object({ password: Password, newEmail: Email }, strict);
export const MfaCodeBody = Type.Object({ code: TotpCode }, strict);
export const SecondFactorBody = Type.Union([Type.Object({ code: TotpCode }, strict), Type.Object({ recoveryCode: RecoveryCode }, strict)]);
export const MfaDisableBody = Type.Union([
  Type.Object({ password: Password, code: TotpCode }, strict),
  Type.Object({ password: Password, recoveryCode: RecoveryCode }, strict),
]);
/** Re-authentication: the password, plus a current code or a recovery code when MFA is on. */
export const ReauthenticateBody = Type.Object(
  { password: Password, code: Type.Optional(TotpCode), recoveryCode: Type.Optional(RecoveryCode) },
  strict,
);
export const Reauthenticated = Type.Object({ status: Type.String(), validForMinutes: Type.Integer() });
/** Sign-out takes no input; an empty JSON object or no body at all. */
export const EmptyBody = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);

export const Accepted = Type.Object({ status: Type.String(), message: Type.String() });
export const SignInResult = Type.Object({ status: Type.String(), mfaRequired: Type.Boolean() });
export const Me = Type.Object({
  id: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  createdAt: Type.String(),
});
export const Enrolment = Type.Object({ secret: Type.String(), otpauthUri: Type.String(), qrSvg: Type.String() });
export const RecoveryCodes = Type.Object({ status: Type.String(), recoveryCodes: Type.Array(Type.String()) });
export const MfaVerified = Type.Object({ status: Type.String(), recoveryCodesLeft: Type.Integer() });
export const SessionsEnded = Type.Object({ status: Type.String(), sessionsEnded: Type.Integer() });

export const SessionList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      createdAt: Type.String(),
      lastSeenAt: Type.String(),
      current: Type.Boolean(),
      /** "Firefox on Linux", from the User-Agent of the browser holding the session; null until it has made a request. */
      device: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export const SessionParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, strict);
