// What the Authentication Service's use cases are given by main.ts: stores, live config, clock, random source.
import type { ClientResolver } from '../config/clients.ts';
import type { LiveConfig } from '../config/live.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type {
  AccountStore,
  ConsentStore,
  EmailTokenPurpose,
  EmailTokenStore,
  GrantStore,
  SessionStore,
  ThrottleStore,
  TotpStore,
  UpstreamStore,
} from '../store/ports/index.ts';
import type { PasskeyStore } from '../store/ports/passkeys.ts';
import type { AuditRecorder } from './audit.ts';
import type { UpstreamProviders } from './authenticators/oidc/providers.ts';
import type { MailSender } from './mail.ts';
import type { RelyingParty } from './passkey/relying-party.ts';

/** Encryption at rest for authenticator secrets (TOTP keys): main.ts passes it in, authn never sees a key. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export interface AuthnDeps {
  /** The live config; a function because a commit swaps it while the server runs. */
  config(): LiveConfig;
  /** Every client lookup: committed, registered (RFC 7591) or another source. */
  clients: ClientResolver;
  clock: Clock;
  random: Random;
  accounts: AccountStore;
  sessions: SessionStore;
  consents: ConsentStore;
  /** Only what ending a session or withdrawing consent revokes; issuing is the Token Service's. */
  grants: Pick<GrantStore, 'revokeClientGrants' | 'revokeSessionGrants'>;
  /** Failed-login counts, shared by every worker and node. */
  throttle: ThrottleStore;
  /** Seconds an SSO session lasts. */
  sessionLifetime: number;
  /** Counts a login attempt's result (the metrics); a no-op where nothing counts. */
  countLogin(result: 'success' | 'failure'): void;
  /** Security events (logins, lockouts, consent, sessions, factors) for the audit log; never rejects. */
  audit: AuditRecorder;
  /** TOTP credentials and recovery codes. */
  totp: TotpStore;
  /** Seals TOTP secrets before they are stored, opens them to check a code. */
  secretBox: SecretBox;
  /** Passkeys (WebAuthn credentials) and their challenges. */
  passkeys: PasskeyStore;
  /** The WebAuthn relying party: its ID and origin from the issuer's base URL. */
  relyingParty: RelyingParty;
  /** Accounts' identities at other OpenID Providers, and the logins in flight to them (the oidc authenticator). */
  upstream: UpstreamStore;
  /** Each oidc authenticator's provider, discovered through the SSRF-guarded fetch and kept per config. */
  upstreamProviders: UpstreamProviders;
  /** Outgoing email (verification and password-reset links): SMTP, or the development outbox. */
  mail: MailSender;
  /** The single-use links that verification and password-reset messages carry, by their keyed hash. */
  emailTokens: EmailTokenStore;
  /** The keyed hash (HMAC under a server data key) of an emailed link's token: all the email-token store keeps. */
  emailLinkHash(token: string): string;
  /** The public address of an emailed link's page with its token: /authn/verify-email or /authn/reset-password. */
  emailLinkUrl(purpose: EmailTokenPurpose, token: string): string;
}

/** Where a use case writes its audit events: the request's logger, so each line carries the request id. */
export interface AuthnLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
