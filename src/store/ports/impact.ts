// Impact port: read-only counts of the live data a config change touches, for the preview before a commit or rollback.

/**
 * What one client holds right now. A token is live when neither it nor its grant is revoked and it has not
 * expired; a refresh token rotated out for a successor is not live (its grace window is left out).
 */
export interface ClientUsage {
  /** Grants that still hold at least one live token. */
  grants: number;
  refreshTokens: number;
  accessTokens: number;
  /** Accounts holding a live grant (client-credentials grants have none and are not counted). */
  accounts: number;
  /** Of those accounts, the ones with no remembered consent to the client. */
  accountsWithoutConsent: number;
  /** Remembered consents to the client. */
  consents: number;
}

/** One scope of one client: live refresh tokens whose grant carries it, and consents that cover it. */
export interface ScopeUsage {
  refreshTokens: number;
  consents: number;
}

export interface ImpactStore {
  clientUsage(clientId: string, now: number): Promise<ClientUsage>;
  scopeUsage(clientId: string, scope: string, now: number): Promise<ScopeUsage>;
  /** SSO sessions made by this authenticator that have not expired at `now`. */
  liveSessions(authenticator: string, now: number): Promise<number>;
}
