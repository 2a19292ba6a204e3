// Admin storage port: admin accounts, their sessions, API tokens, per-owner config drafts and the setup salt.
import type { Snapshot } from '../../config/schema.ts';

export interface AdminUser {
  /** Unique, compared case-insensitively; also the author name on commits. */
  username: string;
  /** argon2id. */
  passwordHash: string;
  createdAt: number;
}

export interface AdminUserStore {
  /** Throws DuplicateError when the username is taken (compared case-insensitively). */
  create(user: AdminUser): Promise<void>;
  /**
   * Creates the user only while there is no admin at all, atomically, so a setup link used twice at
   * once makes one account. False when an admin already exists.
   */
  createFirst(user: AdminUser): Promise<boolean>;
  find(username: string): Promise<AdminUser | undefined>;
  list(): Promise<AdminUser[]>;
  /**
   * The setup salt: stores `candidate` when none is stored yet and returns the stored one, so every
   * process derives the same one-time setup link.
   */
  setupSalt(candidate: string): Promise<string>;
}

/** An admin UI session; only the SHA-256 of the cookie value is kept. */
export interface AdminSession {
  idHash: string;
  username: string;
  createdAt: number;
  expiresAt: number;
}

export interface AdminSessionStore {
  create(session: AdminSession): Promise<void>;
  /** The session when it exists and has not expired at `now`. */
  find(idHash: string, now: number): Promise<AdminSession | undefined>;
  delete(idHash: string): Promise<void>;
  /** Drops sessions that expired before `now`. */
  deleteExpired(now: number): Promise<void>;
}

/** A bearer token for the admin REST API; only the SHA-256 of the token is kept. */
export interface ApiToken {
  id: string;
  hash: string;
  name: string;
  /** The admin who created it; commits made with it name them. */
  owner: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface ApiTokenStore {
  create(token: ApiToken): Promise<void>;
  findByHash(hash: string): Promise<ApiToken | undefined>;
  /** Every token, revoked ones included, oldest first. */
  list(): Promise<ApiToken[]>;
  /** Marks the token revoked at `now`; false when there is no such token or it was already revoked. */
  revoke(id: string, now: number): Promise<boolean>;
}

/** Uncommitted edits of one owner: the revision they started from and the snapshot they lead to. */
export interface Draft {
  owner: string;
  /** Revision the draft was built on; committing it fails when this is no longer current. */
  base: number | null;
  snapshot: Snapshot;
  /** Bumped on every save, for optimistic concurrency between two tabs or workers. */
  version: number;
  updatedAt: number;
}

export interface DraftStore {
  get(owner: string): Promise<Draft | undefined>;
  /**
   * Saves the draft when the stored version is still `expected` (null: no draft stored yet) and
   * returns it with the next version; otherwise throws ConflictError and stores nothing.
   */
  save(draft: Omit<Draft, 'version'>, expected: number | null): Promise<Draft>;
  delete(owner: string): Promise<void>;
}

export interface AdminStore {
  readonly users: AdminUserStore;
  readonly sessions: AdminSessionStore;
  readonly tokens: ApiTokenStore;
  readonly drafts: DraftStore;
}
