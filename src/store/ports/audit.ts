// Audit log port: security events, append-only, queried by the admin and exported; never a secret in it.

/** What happened. Dotted names group by subject; new kinds are added here, once. */
export type AuditType =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'account.created'
  /** An operator disabled or enabled the account (`tessera user disable|enable`). */
  | 'account.disabled'
  | 'account.enabled'
  | 'factor.enrolled'
  | 'factor.removed'
  | 'recovery_codes.regenerated'
  | 'recovery_code.used'
  | 'password.changed'
  /** Someone asked for a reset link for the account (recorded only for an account that exists). */
  | 'password.reset_requested'
  /** The password was set through a reset link. */
  | 'password.reset'
  /** A verification link was used: the account's email address is verified (email_verified true). */
  | 'email.verified'
  /** An admin had a verification link sent to the account's address (`sent` says whether it went out). */
  | 'email.verification_requested'
  /** An identity at another OpenID Provider was linked to the account (at sign-in), or the account unlinked it. */
  | 'identity.linked'
  | 'identity.unlinked'
  | 'session.ended'
  | 'consent.given'
  | 'consent.withdrawn'
  | 'config.committed'
  | 'config.rolled_back'
  | 'client.registered'
  | 'client.updated'
  | 'client.deleted'
  | 'device.approved'
  | 'device.denied'
  | 'token.exchanged'
  /** Someone deleted audit events by hand (`tessera audit purge`); the retention's own purge is not an event. */
  | 'audit.purged';

/** Small, non-secret facts about the event: the factor's kind, the commit's revision, a reason code. */
export type AuditDetail = Record<string, string | number | boolean>;

export interface AuditEvent {
  type: AuditType;
  /** Seconds since the epoch. */
  at: number;
  /** The end user the event is about, when there is one. */
  accountId?: string | undefined;
  clientId?: string | undefined;
  /** Who acted, when not the account itself: an admin's name, `cli`, `registration`. */
  actor?: string | undefined;
  /** The client's address as the server saw it. */
  address?: string | undefined;
  detail?: AuditDetail | undefined;
}

export interface StoredAuditEvent extends AuditEvent {
  /** Increasing: the order events were recorded in, and the export's cursor. */
  id: number;
}

export interface AuditFilter {
  accountId?: string | undefined;
  clientId?: string | undefined;
  types?: readonly AuditType[] | undefined;
  /** Inclusive bounds, seconds since the epoch. */
  from?: number | undefined;
  to?: number | undefined;
  /** Only events with an id below this one (paging newest first) ... */
  before?: number | undefined;
  /** ... or above it (export, oldest first). */
  after?: number | undefined;
  limit: number;
}

export interface AuditStore {
  record(event: AuditEvent): Promise<void>;
  /** Newest first, unless `after` is given (then oldest first, for export). */
  list(filter: AuditFilter): Promise<StoredAuditEvent[]>;
  /** Deletes events recorded before `before`; returns how many. */
  purge(before: number): Promise<number>;
}
