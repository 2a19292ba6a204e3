// Grants port: codes, tokens and the grant they belong to, as atomic primitives that report what happened.
// The rules that react (replay revokes, the grace window, what a logout ends) live in protocol/, not here.

/**
 * What an authorization code stands for; the code itself is only kept as `hash`. Saving a code also
 * records its grant: every token issued from it later belongs to that grant and dies with it.
 */
export interface CodeRecord {
  hash: string;
  grantId: string;
  clientId: string;
  accountId: string;
  /** The redirect_uri as sent in the authorization request, or null when it was not sent. */
  redirectUri: string | null;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  authTime: number;
  acr: string;
  expiresAt: number;
  /** The OIDC claims request parameter (JSON), when one was sent. */
  claims: string | null;
  /** Hash of the SSO session the grant ends with, or null for a grant that outlives it (offline access). */
  sessionHash: string | null;
  /** RFC 8707 resource values sent at authorize, space-separated, or null when none was sent. */
  resource: string | null;
  /** RFC 9449 §10: the DPoP key thumbprint (dpop_jkt) the code is bound to, or null. */
  jkt: string | null;
  /** RFC 8176 amr values of the login it was issued in, space-separated; absent for none (codes before 010). */
  amr?: string;
}

export type TokenKind = 'access_token' | 'refresh_token';

export interface TokenRecord {
  hash: string;
  kind: TokenKind;
  grantId: string;
  clientId: string;
  /** The resource owner; '' for a grant with none (client credentials: the client acts for itself). */
  accountId: string;
  scope: string;
  authTime: number;
  acr: string;
  issuedAt: number;
  expiresAt: number;
  /** Refresh tokens: the absolute end of the token family, however often it is rotated. */
  familyExpiresAt: number | null;
  claims: string | null;
  /**
   * Access tokens: the audience (RFC 8707 resource identifiers, space-separated), or null for the
   * client's own. Refresh tokens: the resources the grant may ask tokens for, or null for none named.
   */
  audience: string | null;
  /** RFC 9449 §6: thumbprint of the DPoP key the token is bound to (cnf.jkt), or null for a bearer token. */
  jkt: string | null;
  /** RFC 8693 §4.1: an exchanged token's act claim as JSON text (who acts for the subject); absent when none. */
  act?: string;
  /** RFC 8693: a subject from a trusted external issuer, {"iss","sub"} as JSON text; absent: accountId is the subject. */
  subject?: string;
  /** The login's RFC 8176 amr values, space-separated, for ID tokens issued on refresh; absent for none. */
  amr?: string;
}

export interface StoredToken extends TokenRecord {
  /** The token itself or its whole grant was revoked. */
  revoked: boolean;
  /** When a refresh token was exchanged for a successor (rotation), or null. */
  rotatedAt: number | null;
}

export interface StoredCode extends CodeRecord {
  used: boolean;
}

/**
 * consumed: the code was fresh and is now used, and the tokens were stored with it;
 * used: it had been consumed before (nothing stored); revoked: its grant was revoked (nothing stored).
 */
export type ConsumeResult =
  | { status: 'consumed' }
  | { status: 'used'; grantId: string }
  | { status: 'revoked' }
  | { status: 'missing' };

/**
 * rotated: first exchange, the successors are stored; already_rotated: exchanged before, at `rotatedAt`
 * (nothing stored); revoked: the token or its grant is revoked or it expired (nothing stored).
 */
export type RotateResult =
  | { status: 'rotated' }
  | { status: 'already_rotated'; rotatedAt: number; grantId: string }
  | { status: 'revoked' }
  | { status: 'missing' };

/** issued: the tokens are stored; revoked: the grant (or the token they come from) is no longer live. */
export type IssueResult = { status: 'issued' } | { status: 'revoked' };

/** A grant that starts without a code (client credentials, a device or token exchange): its row. */
export interface NewGrant {
  id: string;
  clientId: string;
  accountId: string;
  sessionHash: string | null;
  /** How long the grant's row is kept at least; issuing extends it to its tokens' lifetimes. */
  expiresAt: number;
}

export interface GrantStore {
  /** Opens `grant` (kept as it is when it exists) and issues `tokens` from it, as `issue` does. */
  openGrant(grant: NewGrant, now: number, tokens: readonly TokenRecord[]): Promise<IssueResult>;
  /** Stores the code and opens its grant. */
  saveCode(code: CodeRecord): Promise<void>;
  findCode(hash: string): Promise<StoredCode | undefined>;
  /** Atomically marks the code used and stores `tokens`, only if the code is unused and its grant live. */
  consumeCode(hash: string, now: number, tokens: readonly TokenRecord[]): Promise<ConsumeResult>;
  /**
   * Atomically marks a live, unexpired refresh token rotated and stores its successors, only if the token
   * had not been rotated, is not revoked, and its grant is live.
   */
  rotateRefreshToken(hash: string, now: number, tokens: readonly TokenRecord[]): Promise<RotateResult>;
  /**
   * Issues from a live grant: stores `tokens` only if grant `grantId` is not revoked and, when `from` names
   * a token, that token is neither revoked nor expired, checked in the same transaction as the insert.
   */
  issue(
    grantId: string,
    from: string | null,
    now: number,
    tokens: readonly TokenRecord[],
  ): Promise<IssueResult>;
  findToken(hash: string): Promise<StoredToken | undefined>;
  /** Revokes the grant and every token issued from it; codes of a revoked grant can no longer be consumed. */
  revokeGrant(grantId: string, now: number): Promise<void>;
  /** Revokes one token; false when there is no such token. */
  revokeToken(hash: string, now: number): Promise<boolean>;
  /** Revokes every grant (and token) an account holds for a client. */
  revokeClientGrants(accountId: string, clientId: string, now: number): Promise<void>;
  /** Revokes every grant (and token) of a client, whoever holds it: the client was deleted (RFC 7592 §2.3). */
  revokeAllClientGrants(clientId: string, now: number): Promise<void>;
  /** Revokes every grant recorded with this SSO session hash. Returns how many grants it revoked. */
  revokeSessionGrants(sessionHash: string, now: number): Promise<number>;
}
