// Storage ports: one narrow interface per aggregate, shaped by the use cases that call them.
import type { AccountStore } from './accounts.ts';
import type { AdminStore } from './admin.ts';
import type { AuditStore } from './audit.ts';
import type { ConfigStore } from './config.ts';
import type { ConsentStore } from './consents.ts';
import type { DeviceCodeStore } from './device-codes.ts';
import type { EmailTokenStore } from './email-tokens.ts';
import type { GrantStore } from './grants.ts';
import type { ImpactStore } from './impact.ts';
import type { KeyStore } from './keys.ts';
import type { MaintenanceStore } from './maintenance.ts';
import type { PasskeyStore } from './passkeys.ts';
import type { PushedRequestStore } from './pushed-requests.ts';
import type { RegistrationStore } from './registration.ts';
import type { ReplayStore } from './replay.ts';
import type { SessionStore } from './sessions.ts';
import type { ThrottleStore } from './throttle.ts';
import type { TotpStore } from './totp.ts';
import type { UpstreamStore } from './upstream.ts';

export type * from './accounts.ts';
export type * from './admin.ts';
export type * from './audit.ts';
export type * from './config.ts';
export type * from './consents.ts';
export type * from './device-codes.ts';
export type * from './email-tokens.ts';
export type * from './grants.ts';
export type * from './impact.ts';
export type * from './keys.ts';
export type * from './maintenance.ts';
export type * from './passkeys.ts';
export type * from './pushed-requests.ts';
export type * from './registration.ts';
export type * from './replay.ts';
export type * from './sessions.ts';
export type * from './throttle.ts';
export type * from './totp.ts';
export type * from './upstream.ts';

export interface Store {
  readonly engine: string;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly grants: GrantStore;
  readonly config: ConfigStore;
  readonly keys: KeyStore;
  readonly consents: ConsentStore;
  readonly throttle: ThrottleStore;
  /** TOTP credentials and recovery codes (the TOTP authenticator). */
  readonly totp: TotpStore;
  /** WebAuthn credentials and their challenges (the passkey authenticator). */
  readonly passkeys: PasskeyStore;
  /** Identities at other OpenID Providers linked to accounts, and the logins in flight to them (the oidc authenticator). */
  readonly upstream: UpstreamStore;
  readonly replay: ReplayStore;
  readonly pushedRequests: PushedRequestStore;
  /** Dynamically registered clients (RFC 7591) and initial access tokens. */
  readonly registration: RegistrationStore;
  readonly deviceCodes: DeviceCodeStore;
  /** The single-use links of verification and password-reset messages, as keyed hashes. */
  readonly emailTokens: EmailTokenStore;
  readonly maintenance: MaintenanceStore;
  readonly admin: AdminStore;
  readonly impact: ImpactStore;
  /** Security events (login, consent, commits): append-only, purged after the retention. */
  readonly audit: AuditStore;
  close(): Promise<void>;
}
