// Accounts port: the end users of the Authentication Service.

export interface Account {
  id: string;
  username: string;
  passwordHash: string;
  claims: Record<string, unknown>;
  createdAt: number;
  disabled: boolean;
}

export type NewAccount = Omit<Account, 'disabled'>;

export interface AccountSearch {
  text: string;
  /** A username: only accounts whose folded username sorts after its folded form (the next page). */
  after?: string | undefined;
  limit: number;
}

export interface AccountStore {
  /** Throws DuplicateError when the username is taken (compared case-insensitively). */
  create(account: NewAccount): Promise<Account>;
  findByUsername(username: string): Promise<Account | undefined>;
  /**
   * The accounts whose `email` claim is this address, oldest first, at most `limit`: the whole address, its
   * ASCII letters compared without regard to case (every engine folds only A-Z). Addresses are not unique.
   */
  findByEmail(email: string, limit: number): Promise<Account[]>;
  findById(id: string): Promise<Account | undefined>;
  list(limit: number): Promise<Account[]>;
  /**
   * The admin's search: accounts whose username or `email` claim contains `text` ('' matches every account), ASCII
   * letters compared without regard to case, ordered by the username folded the same way (then by code point),
   * only those after the username `after` when given, at most `limit`.
   */
  search(query: AccountSearch): Promise<Account[]>;
  updateClaims(id: string, claims: Record<string, unknown>): Promise<void>;
  setDisabled(id: string, disabled: boolean): Promise<void>;
  /** Replaces the account's password hash; false when there is no such account. */
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
}
