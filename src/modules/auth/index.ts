/** The auth module's public face: what other modules, the back office and app.ts may use. */
export { type AccountDirectory, type AccountFacts } from './account-directory.js';
export { normaliseEmail } from './accounts.js';
export { logAuthEvent, logAuthFailures } from './auth.events.js';
export { createSessionReader, fullSessionOr, recentSessionOr } from './auth.http.js';
export { compose, type MailBrand } from './auth.mails.js';
export { createAuthService, type AuthService } from './auth.service.js';
export { registerCognitoAuth, type CognitoAuthDeps } from './cognito/cognito.routes.js';
export { type RequestFacts } from './email-change.js';
export { type Enrolment } from './mfa.js';
export { MessagePage, MfaEnrolSteps, RecoveryCodeList } from './pages/account-pages.js';
export { PasskeySignIn } from './passkeys/passkeys-views.js';
export { createPasskeyService, relyingPartyOf } from './passkeys/passkeys.service.js';
export { createPasswordHasher, type PasswordHasher } from './passwords.js';
export { readDeviceCookie, setDeviceCookie } from './devices.js';
export { clearSessionCookie, sessionKeyOf, setSessionCookie, type Session, type Sessions } from './sessions.js';
export { generateToken, hashToken, isWellFormedToken } from './tokens.js';
export { authPlugin, type AuthPluginOptions } from './auth.plugin.js';
