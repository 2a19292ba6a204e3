// TOTP port: one authenticator-app credential per account (its secret sealed), and its one-time recovery codes.

export interface TotpCredential {
  accountId: string;
  /** The shared secret, encrypted at rest (authn is given seal/unseal by main.ts). */
  secretSealed: string;
  /** When the first code confirmed it; null while enrolment is pending (it does not count yet). */
  confirmedAt: number | null;
  /** The last RFC 6238 time step accepted: a step is used once (RFC 6238 §5.2). */
  lastStep: number;
  createdAt: number;
}

export interface TotpStore {
  find(accountId: string): Promise<TotpCredential | undefined>;
  /** Stores a pending credential, replacing a pending one; false (nothing stored) when a confirmed one exists. */
  startEnrolment(credential: TotpCredential): Promise<boolean>;
  /** Confirms a pending credential, recording `step` as used; false when none is pending. */
  confirm(accountId: string, step: number, now: number): Promise<boolean>;
  /** Records `step` as used, atomically, only if it is later than the last one; false otherwise (a replay). */
  useStep(accountId: string, step: number): Promise<boolean>;
  /** Removes the credential and the account's recovery codes; false when there was none. */
  remove(accountId: string): Promise<boolean>;
  /** Replaces every recovery code of the account with these hashes. */
  replaceRecoveryCodes(accountId: string, hashes: readonly string[], now: number): Promise<void>;
  /** Spends one unused recovery code, atomically; false when it is unknown or already spent. */
  useRecoveryCode(accountId: string, hash: string, now: number): Promise<boolean>;
  /** How many unused recovery codes the account has. */
  recoveryCodesLeft(accountId: string): Promise<number>;
}
