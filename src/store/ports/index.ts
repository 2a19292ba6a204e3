// Storage ports: one narrow interface per aggregate, shaped by the use cases that call them.
import type { Snapshot } from '../../config/schema.ts';
import type { AdminStore } from './admin.ts';

export type * from './admin.ts';

export interface Account {
  id: string;
  username: string;
  passwordHash: string;
  claims: Record<string, unknown>;
  createdAt: number;
  disabled: boolean;
}

export type NewAccount = Omit<Account, 'disabled'>;

export interface AccountStore {
  /** Throws DuplicateError when the username is taken (compared case-insensitively). */
  create(account: NewAccount): Promise<Account>;
  findByUsername(username: string): Promise<Account | undefined>;
  findById(id: string): Promise<Account | undefined>;
  list(limit: number): Promise<Account[]>;
  updateClaims(id: string, claims: Record<string, unknown>): Promise<void>;
  setDisabled(id: string, disabled: boolean): Promise<void>;
}

/** A remembered consent: the scopes an account granted a client. */
export interface Consent {
  accountId: string;
  clientId: string;
  scope: string;
  createdAt: number;
}

export interface ConsentStore {
  find(accountId: string, clientId: string): Promise<Consent | undefined>;
  /** Replaces any earlier consent of the account to the client. */
  save(consent: Consent): Promise<void>;
  list(accountId: string): Promise<Consent[]>;
  delete(accountId: string, clientId: string): Promise<void>;
}

/** An SSO session of the Authentication Service; only the hash of the cookie value is kept. */
export interface Session {
  idHash: string;
  accountId: string;
  authenticator: string;
  acr: string;
  authTime: number;
  expiresAt: number;
}

export interface SessionStore {
  create(session: Session): Promise<void>;
  /** The session when it exists and has not expired at `now`. */
  find(idHash: string, now: number): Promise<Session | undefined>;
  delete(idHash: string): Promise<void>;
}

/** What an authorization code stands for; the code itself is only kept as `hash`. */
export interface CodeRecord {
  hash: string;
  grantId: string;
  clientId: string;
  accountId: string;
  /** The redirect_uri as sent in the authorization request, or null when it was not sent. */
  redirectUri: string | null;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  authTime: number;
  acr: string;
  expiresAt: number;
  /** The OIDC claims request parameter (JSON), when one was sent. */
  claims: string | null;
}

export type TokenKind = 'access_token' | 'refresh_token';

export interface TokenRecord {
  hash: string;
  kind: TokenKind;
  grantId: string;
  clientId: string;
  accountId: string;
  scope: string;
  authTime: number;
  acr: string;
  issuedAt: number;
  expiresAt: number;
  /** Refresh tokens: the absolute end of the token family, however often it is rotated. */
  familyExpiresAt: number | null;
  claims: string | null;
}

export interface StoredToken extends TokenRecord {
  revoked: boolean;
  /** When a refresh token was exchanged for a successor (rotation), or null. */
  rotatedAt: number | null;
}

export type RedeemResult = { status: 'redeemed' } | { status: 'already_used' } | { status: 'missing' };

/** rotated: first use; grace: reused within the grace period; reused: replay, the whole family is revoked. */
export type RotateResult =
  | { status: 'rotated' }
  | { status: 'grace' }
  | { status: 'reused' }
  | { status: 'missing' };

export interface GrantStore {
  saveCode(code: CodeRecord): Promise<void>;
  findCode(hash: string): Promise<(CodeRecord & { used: boolean }) | undefined>;
  /**
   * Atomically marks the code used and stores the tokens issued for it. When the code was already
   * used, nothing is stored and every token of its grant is revoked (RFC 6749 §4.1.2).
   */
  redeemCode(hash: string, now: number, tokens: readonly TokenRecord[]): Promise<RedeemResult>;
  saveTokens(tokens: readonly TokenRecord[]): Promise<void>;
  findToken(hash: string): Promise<StoredToken | undefined>;
  revokeGrant(grantId: string, now: number): Promise<void>;
  /** Revokes one token; false when there is no such token. */
  revokeToken(hash: string, now: number): Promise<boolean>;
  /** Revokes every token an account holds for a client (the user withdrew the client's access). */
  revokeClientTokens(accountId: string, clientId: string, now: number): Promise<void>;
  /**
   * Atomically marks a refresh token rotated and stores its successors. A token already rotated
   * more than `graceSeconds` ago is a replay: nothing is stored and the whole grant is revoked.
   */
  rotateRefreshToken(
    hash: string,
    now: number,
    graceSeconds: number,
    tokens: readonly TokenRecord[],
  ): Promise<RotateResult>;
}

export interface Revision {
  id: number;
  parent: number | null;
  author: string;
  message: string;
  createdAt: number;
  snapshot: Snapshot;
}

export interface NewRevision {
  /** The revision this one was built on; the commit fails with ConflictError when it is no longer current. */
  parent: number | null;
  author: string;
  message: string;
  createdAt: number;
  snapshot: Snapshot;
}

export interface ConfigStore {
  current(): Promise<Revision | undefined>;
  /** Id of the current revision: cheap enough to poll. */
  currentId(): Promise<number | null>;
  commit(revision: NewRevision): Promise<Revision>;
  list(limit: number): Promise<Omit<Revision, 'snapshot'>[]>;
  get(id: number): Promise<Revision | undefined>;
  /**
   * Engines that can push (PostgreSQL LISTEN/NOTIFY) call back when any node commits; the rest are
   * polled through currentId(). Resolves to a function that stops watching.
   */
  watch?(onChange: () => void): Promise<() => Promise<void>>;
}

export interface StoredKey {
  kid: string;
  alg: string;
  /** Public JWK as JSON. */
  publicJwk: string;
  /** Private key, encrypted with the master key (keys/encryption.ts). */
  privateKey: string;
  /** Self-signed certificate, base64 DER (x5c). */
  certificate: string;
  createdAt: number;
  /** Published from creation; signs from this time on (rotation publishes a key before it signs). */
  activatesAt: number;
  /** When a newer key took over; the key stays published until its tokens have expired. */
  retiredAt: number | null;
}

export interface KeyStore {
  list(): Promise<StoredKey[]>;
  /** Inserts unless the kid exists (several nodes may create the first key at once). */
  insert(key: StoredKey): Promise<void>;
  /**
   * Inserts the key only if no unretired key of its algorithm exists (nodes starting together on an
   * empty database must end up with one first key, not one each). Returns whether it inserted.
   */
  insertFirst(key: StoredKey): Promise<boolean>;
  retire(kid: string, at: number): Promise<void>;
  delete(kid: string): Promise<void>;
}

/**
 * Failed logins per key (a hash of the username and address), in the database so that every worker and
 * node counts the same failures: a cluster throttles as one server.
 */
export interface ThrottleStore {
  /** The failures in this key's open window, or undefined when none is open at `now`. */
  failures(key: string, now: number): Promise<{ count: number; expiresAt: number } | undefined>;
  /** Counts one failure, atomically: one more in the open window, or 1 in a new one of `windowSeconds`. */
  recordFailure(key: string, now: number, windowSeconds: number): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface MaintenanceStore {
  /**
   * Deletes up to `batch` expired codes, tokens, sessions and login-failure windows if this holder wins (or already holds)
   * the cleanup lease, so only one node at a time does it. Returns rows deleted, or null without the lease.
   */
  purgeExpired(holder: string, now: number, batch: number): Promise<number | null>;
  /** Cheap round trip that fails when the database is unreachable or its schema is not the one this node expects. */
  ping(): Promise<void>;
  /** Connections of a pool, for the operator's metrics; engines without a pool leave it out. */
  poolStats?(): { total: number; idle: number; waiting: number };
}

export interface Store {
  readonly engine: string;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly grants: GrantStore;
  readonly config: ConfigStore;
  readonly keys: KeyStore;
  readonly consents: ConsentStore;
  readonly throttle: ThrottleStore;
  readonly maintenance: MaintenanceStore;
  readonly admin: AdminStore;
  close(): Promise<void>;
}
