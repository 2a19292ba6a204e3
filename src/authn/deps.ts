// What the Authentication Service's use cases are given by main.ts: stores, live config, clock, random source.
import type { ClientResolver } from '../config/clients.ts';
import type { LiveConfig } from '../config/live.ts';
import type { Clock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { AuditRecorder } from './audit.ts';
import type {
  AccountStore,
  ConsentStore,
  GrantStore,
  SessionStore,
  ThrottleStore,
} from '../store/ports/index.ts';

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
}

/** Where a use case writes its audit events: the request's logger, so each line carries the request id. */
export interface AuthnLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
