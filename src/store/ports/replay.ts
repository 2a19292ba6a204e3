// Replay port: single-use identifiers (client-assertion and DPoP-proof jti values), shared by every node.

/**
 * A `jti` may be used once within its validity: the first recording wins, in the database, so that two
 * nodes receiving the same assertion or proof at the same instant cannot both accept it.
 */
export interface ReplayStore {
  /**
   * Records `key` (a hash the protocol computes from the jti and its namespace) until `expiresAt`.
   * Resolves true the first time, false when the key is already recorded and not yet expired at `now`.
   */
  recordOnce(key: string, expiresAt: number, now: number): Promise<boolean>;
}
