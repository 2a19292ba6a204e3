// Dynamic client registration (RFC 7591/7592): registered clients and initial access tokens, data not config.

/** A client that registered itself at run time; its config compiles like a committed client's. */
export interface RegisteredClient {
  clientId: string;
  /** The client as the client schema reads it (src/config/schema-client.ts); a secret only as secret_hash. */
  config: Readonly<Record<string, unknown>>;
  /** RFC 7591 §3.2.1: the metadata as registered, returned by the management endpoint (RFC 7592 §2.1). */
  metadata: Readonly<Record<string, unknown>>;
  /** Keyed hash of the registration access token (RFC 7592 §3); the token itself is never stored. */
  registrationTokenHash: string;
  /** The initial access token's label, or "open registration". */
  registeredBy: string;
  /** The address the registration request came from. */
  address: string;
  createdAt: number;
  updatedAt: number;
  /** Last time the client was looked up to authorize or authenticate; null until then. */
  lastUsedAt: number | null;
  disabled: boolean;
}

export interface InitialAccessToken {
  id: string;
  label: string;
  /** Keyed hash of the token; the token is shown once when it is created. */
  tokenHash: string;
  createdAt: number;
  /** Seconds since the epoch after which it is refused; null: never. */
  expiresAt: number | null;
  /** Registrations it may still make; null: any number. */
  usesLeft: number | null;
  revoked: boolean;
}

export interface RegistrationStore {
  create(client: RegisteredClient): Promise<void>;
  find(clientId: string): Promise<RegisteredClient | undefined>;
  /** Newest first. */
  list(limit: number): Promise<RegisteredClient[]>;
  /** Replaces config and metadata (RFC 7592 §2.2); false when there is no such client. */
  update(
    clientId: string,
    change: Pick<RegisteredClient, 'config' | 'metadata' | 'updatedAt'>,
  ): Promise<boolean>;
  setDisabled(clientId: string, disabled: boolean): Promise<boolean>;
  /** Records a use; only ever moves last_used_at forward. */
  touch(clientId: string, at: number): Promise<void>;
  delete(clientId: string): Promise<boolean>;
  /** Removes clients neither used nor created since `before`; returns their ids. */
  deleteUnused(before: number): Promise<string[]>;

  createInitialToken(token: InitialAccessToken): Promise<void>;
  listInitialTokens(): Promise<InitialAccessToken[]>;
  /**
   * Atomically spends one use of the token with this hash: resolves it when it exists, is not revoked,
   * not expired at `now` and has a use left (then one fewer); otherwise undefined.
   */
  useInitialToken(tokenHash: string, now: number): Promise<InitialAccessToken | undefined>;
  revokeInitialToken(id: string): Promise<boolean>;
}
