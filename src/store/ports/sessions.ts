// SSO sessions port: only the hash of the cookie value is kept.

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
