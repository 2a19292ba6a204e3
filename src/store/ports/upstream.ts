// Upstream identities port: local accounts linked to an (issuer, subject) of another OpenID Provider, and
// the logins in flight to such a provider (started in one browser, finished at its callback in the same one).
import type { NewAccount } from './accounts.ts';

/** An upstream identity linked to a local account: unique on (issuer, subject). */
export interface UpstreamIdentity {
  /** The upstream's issuer identifier, exactly as its ID tokens carry it. */
  issuer: string;
  /** The upstream's `sub` for the person (OIDC Core §2: unique within the issuer, never reassigned). */
  subject: string;
  accountId: string;
  /** The authenticator it was linked through (the provider's name on the account page comes from it). */
  authenticator: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What the callback learnt about an upstream identity not linked yet, kept until the person chooses. */
export interface PendingIdentity {
  issuer: string;
  subject: string;
  /** The local profile claims mapped from the upstream's (already filtered; nothing else is kept). */
  claims: Record<string, unknown>;
  /** RFC 8176 amr values and acr the session will carry (empty and null unless the upstream is trusted). */
  amr: string[];
  acr: string | null;
  /** A username derived from the upstream profile, for a new account; made unique when it is created. */
  username: string;
  /** What the page shows the person about who they are upstream (an email or a name); '' when none. */
  display: string;
}

/** A login to an upstream provider: keyed by the hash of a handle only the browser's cookie holds. */
export interface UpstreamLogin {
  /** SHA-256 of the handle in the browser's binding cookie. */
  handleHash: string;
  /** The oidc authenticator it runs through. */
  authenticator: string;
  /** Where the browser goes once signed in (a path under Tessera, checked when it was started). */
  returnTo: string;
  /** The policy the login was started for ('' when none). */
  policy: string;
  expiresAt: number;
  /** Null while the browser is at the upstream; set once the callback found an identity not linked yet. */
  pending: PendingIdentity | null;
}

export type CreateLinkedResult = 'created' | 'identity_taken' | 'username_taken';

export interface UpstreamStore {
  /** The account an upstream identity is linked to, if it is. */
  findIdentity(issuer: string, subject: string): Promise<UpstreamIdentity | undefined>;
  /** The account's linked identities, oldest first. */
  listIdentities(accountId: string): Promise<UpstreamIdentity[]>;
  /** Links the identity; false (nothing changed) when that (issuer, subject) is linked already, to any account. */
  link(identity: UpstreamIdentity): Promise<boolean>;
  /**
   * Creates the account and links the identity to it in one transaction: both or neither. `username_taken` when
   * the account's id or username is taken (case-insensitively), `identity_taken` when the identity is linked.
   */
  createLinkedAccount(account: NewAccount, identity: UpstreamIdentity): Promise<CreateLinkedResult>;
  recordUse(issuer: string, subject: string, at: number): Promise<void>;
  /** Removes one of the account's links; false when the account has no such link. */
  unlink(accountId: string, issuer: string, subject: string): Promise<boolean>;

  /** Stores a login (a new one, or the pending stage of one taken before), and drops the ones expired by `now`. */
  saveLogin(login: UpstreamLogin, now: number): Promise<void>;
  /** Takes a login still at the upstream, once: a second call, a pending one or one after expiry gets undefined. */
  takeLogin(handleHash: string, now: number): Promise<UpstreamLogin | undefined>;
  /** The pending login the handle names, without using it (the choice page shows it), if live. */
  findPending(handleHash: string, now: number): Promise<UpstreamLogin | undefined>;
  /** Takes the pending login once, to act on it; undefined when it is gone, used or expired. */
  takePending(handleHash: string, now: number): Promise<UpstreamLogin | undefined>;
}
