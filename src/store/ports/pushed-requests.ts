// Pushed authorization requests (RFC 9126): stored by the hash of their request_uri, used once.

export interface PushedRequest {
  /** SHA-256 of the request_uri's random part; the request_uri itself is never stored. */
  hash: string;
  clientId: string;
  /** The authorization request's parameters, after the PAR endpoint validated them (resource may repeat). */
  params: Readonly<Record<string, string | readonly string[]>>;
  expiresAt: number;
}

export interface PushedRequestStore {
  push(request: PushedRequest): Promise<void>;
  /**
   * Atomically takes the request: resolves it and marks it used only when it exists, is unused and has
   * not expired at `now`; otherwise undefined. Two concurrent takes of one request: one wins.
   */
  take(hash: string, now: number): Promise<PushedRequest | undefined>;
}
