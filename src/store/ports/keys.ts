// Signing keys port: encrypted private keys, publication and retirement.

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
