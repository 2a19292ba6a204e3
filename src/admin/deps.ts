// What the admin services are given by main.ts: stores, the secret hasher and sealer, time, randomness and a live-reload hook.

import type { AuditRecorder } from '../authn/audit.ts';
import type { SecretBox } from '../authn/deps.ts';
import type { Snapshot } from '../config/schema.ts';
import type { OutboundSettings } from '../keys/outbound.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { AccountStore, AdminStore, AuditStore, ConfigStore, ImpactStore } from '../store/ports/index.ts';
import type { RegistrationAdmin } from './registration.ts';
import type { UsersAdmin } from './users.ts';

export interface AdminDeps {
  config: ConfigStore;
  admin: AdminStore;
  /** Counts of live grants, tokens, consents and sessions, for the impact a change would have. */
  impact: ImpactStore;
  secrets: SecretHasher;
  /** client_secret_jwt: seals a secret under the master key (keys/sealed-secret.ts). */
  sealSecret(secret: string): string;
  /** Upstream providers' client secrets (oidc authenticators): sealed in the 'authn-secret' context (keys/sealed-authn.ts). */
  authnSecrets: SecretBox;
  /** The SSRF guard's settings for checking an upstream provider's discovery document (keys/outbound.ts). */
  outbound: OutboundSettings;
  clock: Clock;
  random: Random;
  /** Makes a new revision live on this node at once; other nodes follow within a second. */
  onCommit(): Promise<void>;
  /** Derives the one-time setup token from the stored salt (see setup.ts). */
  setupKey: Buffer;
  /** Entries declared in the config file: they override committed entries with the same id. */
  declared: Snapshot;
  /** Security events (commits, rollbacks, admin actions on accounts and sessions); never rejects. */
  audit: AuditRecorder;
  /** The audit log as admins read it (the UI, the API) and the CLI exports and purges it. */
  auditEvents: Pick<AuditStore, 'list' | 'purge'>;
  /** Finds the account an audit filter names by username. */
  accounts: Pick<AccountStore, 'findByUsername'>;
  /** Dynamically registered clients and initial access tokens (RFC 7591); absent in tests that need none. */
  registration?: RegistrationAdmin | undefined;
  /** End users' accounts: search, sessions, factors, linked sign-ins, emailed links; absent in tests that need none. */
  users?: UsersAdmin | undefined;
}
