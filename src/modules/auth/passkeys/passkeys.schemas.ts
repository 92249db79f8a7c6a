import { Type } from 'typebox';
import { credentialIdMax } from './passkeys.service.js';

/**
 * Request and response shapes of the passkey API. Our own objects reject unknown fields (a `userId`,
 * `counter` or `publicKey` sent along is a 400 VALIDATION_FAILED). The one open object is the browser's
 * `clientExtensionResults`: browsers add extension outputs the spec lets them add, and we read none of
 * them, so refusing an unknown one would only lock out a browser. Lengths bound the work.
 */
const strict = { additionalProperties: false } as const;
const B64url = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[A-Za-z0-9_-]+$' });
const CredentialId = B64url(1400);
const ExtensionResults = Type.Object({}, { additionalProperties: true, maxProperties: 16 });
const Attachment = Type.Optional(Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]));

export const RegistrationResponse = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal('public-key'),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ExtensionResults,
    response: Type.Object(
      {
        clientDataJSON: B64url(4096),
        attestationObject: B64url(16384),
        authenticatorData: Type.Optional(B64url(16384)),
        transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8 })),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(B64url(4096)),
      },
      strict,
    ),
  },
  strict,
);

export const AuthenticationResponse = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal('public-key'),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ExtensionResults,
    response: Type.Object(
      {
        clientDataJSON: B64url(4096),
        authenticatorData: B64url(16384),
        signature: B64url(2048),
        userHandle: Type.Optional(B64url(128)),
      },
      strict,
    ),
  },
  strict,
);

export const RegisterBody = Type.Object({ name: Type.String({ maxLength: 256 }), response: RegistrationResponse }, strict);
export const SignInBody = Type.Object({ response: AuthenticationResponse }, strict);
export const RenameBody = Type.Object({ name: Type.String({ maxLength: 256 }) }, strict);
/** The options calls take no input; an empty JSON object or no body at all. */
export const EmptyBody = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);

/** What navigator.credentials.create() / get() take, as @simplewebauthn/browser reads it (passed through whole). */
export const CeremonyOptions = Type.Object({ options: Type.Unknown() });

export const PasskeyItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  deviceType: Type.String(),
  backedUp: Type.Boolean(),
});
export const PasskeyList = Type.Object({ items: Type.Array(PasskeyItem), limit: Type.Integer() });
export const SignedIn = Type.Object({ status: Type.String() });
export const PasskeyParams = Type.Object({ id: B64url(credentialIdMax) }, strict);

export const Reauthenticated = Type.Object({ status: Type.String(), validForMinutes: Type.Integer() });
