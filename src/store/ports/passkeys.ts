// Passkeys port: WebAuthn credentials (several per account, with names and flags) and single-use challenges.

export interface PasskeyCredential {
  /** The credential ID (WebAuthn L3 §4), base64url: unique across accounts. */
  id: string;
  accountId: string;
  /** The name the person gave it ("Work laptop"); shown on the account page. */
  name: string;
  /** The COSE public key (RFC 9053), base64url. */
  publicKey: string;
  /** The last signature counter seen (WebAuthn L3 §6.1.1); 0 for authenticators that keep none. */
  counter: number;
  /** AuthenticatorTransport values the browser reported (usb, nfc, ble, internal, hybrid). */
  transports: string[];
  /** BE flag (WebAuthn L3 §6.3.3): the key may be synced to other devices. */
  backupEligible: boolean;
  /** BS flag: the key is backed up now. */
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What the browser is asked to sign; kept server-side until used once or expired. */
export interface PasskeyChallenge {
  /** SHA-256 of the handle in the browser's challenge cookie. */
  handleHash: string;
  /** The base64url challenge sent in the options (WebAuthn L3 §13.4.3: random, at least 16 bytes). */
  challenge: string;
  /** What it may be answered for: a passwordless login, a second factor, an enrolment. */
  purpose: 'login' | 'step' | 'enrol';
  /** For step and enrol: the account it was issued to; null for a passwordless login. */
  accountId: string | null;
  expiresAt: number;
}

export type RecordUseResult = 'recorded' | 'counter' | 'unknown';

export interface PasskeyStore {
  /** Stores a new credential; false (nothing stored) when its ID is already registered. */
  create(credential: PasskeyCredential): Promise<boolean>;
  find(id: string): Promise<PasskeyCredential | undefined>;
  /** The account's passkeys, oldest first. */
  listByAccount(accountId: string): Promise<PasskeyCredential[]>;
  rename(accountId: string, id: string, name: string): Promise<boolean>;
  /** Removes one of the account's passkeys; false when it has no such passkey. */
  remove(accountId: string, id: string): Promise<boolean>;
  /**
   * Records a verified assertion, atomically: the counter must grow unless both old and new are 0 (WebAuthn L3
   * §6.1.1, a cloned authenticator otherwise); `counter` when it did not, `unknown` when the credential is gone.
   */
  recordUse(id: string, use: { counter: number; backedUp: boolean; at: number }): Promise<RecordUseResult>;
  /** Stores a challenge, and drops the ones expired by `now`. */
  saveChallenge(challenge: PasskeyChallenge, now: number): Promise<void>;
  /** Takes the challenge once: the second call, or one after expiry, gets undefined. */
  takeChallenge(handleHash: string, now: number): Promise<PasskeyChallenge | undefined>;
}
