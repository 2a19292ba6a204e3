// Email links port: the single-use tokens that verification and password-reset messages carry, kept as hashes.

/** What a link is for; a token of one purpose never works as the other. */
export type EmailTokenPurpose = 'verify_email' | 'reset_password';

export interface EmailToken {
  /** The keyed hash of the token in the link; the token itself is never stored. */
  hash: string;
  purpose: EmailTokenPurpose;
  accountId: string;
  /** The address the message went to: verification marks exactly this address verified. */
  email: string;
  createdAt: number;
  expiresAt: number;
}

export interface EmailTokenStore {
  create(token: EmailToken): Promise<void>;
  /** The live token (unused, unexpired, of this purpose) without using it: a link's page shows its form. */
  find(hash: string, purpose: EmailTokenPurpose, now: number): Promise<EmailToken | undefined>;
  /** Atomically marks the live token used and returns it; undefined when it is unknown, used, expired or of another purpose. */
  consume(hash: string, purpose: EmailTokenPurpose, now: number): Promise<EmailToken | undefined>;
  /** Ends every unused token of the account for this purpose (a new link replaces the older ones); how many. */
  revokeForAccount(accountId: string, purpose: EmailTokenPurpose): Promise<number>;
  /** Deletes used and expired tokens (the cleanup loop); how many. */
  purge(now: number): Promise<number>;
}
