// Storage ports: one narrow interface per aggregate, shaped by the use cases that call them.
import type { Snapshot } from '../../config/schema.ts';

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
  authTime: number;
  acr: string;
  expiresAt: number;
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
}

export interface StoredToken extends TokenRecord {
  revoked: boolean;
}

export type RedeemResult = { status: 'redeemed' } | { status: 'already_used' } | { status: 'missing' };

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
}

export interface KeyStore {
  list(): Promise<StoredKey[]>;
  /** Inserts unless the kid exists (several nodes may create the first key at once). */
  insert(key: StoredKey): Promise<void>;
}

export interface Store {
  readonly engine: string;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly grants: GrantStore;
  readonly config: ConfigStore;
  readonly keys: KeyStore;
  close(): Promise<void>;
}
