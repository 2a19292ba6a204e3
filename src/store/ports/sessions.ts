// SSO sessions port: only the hash of the cookie value is kept.

/** One factor a session was authenticated with: which authenticator, its RFC 8176 amr values, and when. */
export interface SessionFactor {
  authenticator: string;
  amr: string[];
  at: number;
}

/** An SSO session of the Authentication Service; only the hash of the cookie value is kept. */
export interface Session {
  idHash: string;
  accountId: string;
  /** The first factor's authenticator (the one that signed the user in). */
  authenticator: string;
  acr: string;
  authTime: number;
  expiresAt: number;
  /**
   * In the order they were added; the first is the sign-in. A session stored before factors were kept
   * (migration 010) reads as its authenticator alone with amr ["pwd"]: html-form was the only type then.
   */
  factors: SessionFactor[];
  createdAt: number;
  /** Updated at most about once a minute (authn/sessions.ts), so the hot path stays one read. */
  lastSeen: number;
  /** The browser's User-Agent when the session began, cut short; '' when unknown. */
  userAgent: string;
  /** The client address the session began from; '' when unknown. */
  address: string;
}

export interface SessionStore {
  create(session: Session): Promise<void>;
  /** The session when it exists and has not expired at `now`. */
  find(idHash: string, now: number): Promise<Session | undefined>;
  delete(idHash: string): Promise<void>;
  /** Appends a factor to a live session, atomically; false when there is no such live session. */
  addFactor(idHash: string, factor: SessionFactor, now: number): Promise<boolean>;
  /** Sets lastSeen to `now`. */
  touch(idHash: string, now: number): Promise<void>;
  /** The account's live sessions at `now`, most recently seen first. */
  listByAccount(accountId: string, now: number): Promise<Session[]>;
  /** Deletes the session only if it belongs to `accountId`; false when it did not (or did not exist). */
  deleteForAccount(accountId: string, idHash: string): Promise<boolean>;
}
