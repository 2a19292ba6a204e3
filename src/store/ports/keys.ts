// Keys port: signing keys (encrypted private keys, publication, retirement) and the data keys, all under the master key.

export interface StoredKey {
  kid: string;
  alg: string;
  /** Public JWK as JSON. */
  publicJwk: string;
  /** Private key, encrypted under the master key (keys/key-encryption.ts). */
  privateKey: string;
  /** Self-signed certificate, base64 DER (x5c). */
  certificate: string;
  createdAt: number;
  /** Published from creation; signs from this time on (rotation publishes a key before it signs). */
  activatesAt: number;
  /** When a newer key took over; the key stays published until its tokens have expired. */
  retiredAt: number | null;
}

/** One of the server's own secrets (keys/data-keys.ts), encrypted under the master key. */
export interface StoredDataKey {
  purpose: string;
  sealed: string;
  createdAt: number;
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
  /**
   * Master-key rotation: replaces a signing key's encrypted private key only while it still is `from`
   * (compare-and-set, so two rotations at once never lose one); returns whether it replaced it.
   */
  resealSigningKey(kid: string, from: string, to: string): Promise<boolean>;
  /** Data keys, ordered by purpose. */
  dataKeys(): Promise<StoredDataKey[]>;
  /** Inserts unless the purpose exists (nodes starting together keep the first); returns whether it inserted. */
  insertDataKey(key: StoredDataKey): Promise<boolean>;
  /** As resealSigningKey, for a data key. */
  resealDataKey(purpose: string, from: string, to: string): Promise<boolean>;
}
