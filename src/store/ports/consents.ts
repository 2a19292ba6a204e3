// Consents port: the scopes an account granted a client.

/** A remembered consent: the scopes an account granted a client. */
export interface Consent {
  accountId: string;
  clientId: string;
  scope: string;
  createdAt: number;
}

export interface ConsentStore {
  find(accountId: string, clientId: string): Promise<Consent | undefined>;
  /** Replaces any earlier consent of the account to the client. */
  save(consent: Consent): Promise<void>;
  list(accountId: string): Promise<Consent[]>;
  delete(accountId: string, clientId: string): Promise<void>;
}
