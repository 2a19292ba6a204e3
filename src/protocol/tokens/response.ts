// Mints the access token (and refresh token, ID token) a grant issues, and shapes the token response.
import type { Client } from '../../config/live.ts';
import type { TokenRecord } from '../../store/ports/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { idTokenClaims } from './id-token.ts';
import { mint } from './opaque.ts';

/** RFC 6749 §5.1, with OIDC Core §3.1.3.3's id_token. */
export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface Issuance {
  response: TokenResponse;
  /** Rows to store (hashes only), in the same transaction as whatever the grant consumes. */
  records: TokenRecord[];
}

export interface IssueInput {
  client: Client;
  grantId: string;
  accountId: string;
  scope: string;
  authTime: number;
  acr: string;
  nonce: string | null;
  /** Whether to mint a new refresh token (a refresh grant keeps the one it was given). */
  withRefreshToken: boolean;
}

export async function issueTokens(input: IssueInput, deps: ProtocolDeps): Promise<Issuance> {
  const now = deps.clock.nowSeconds();
  const { client } = input;
  const base = {
    grantId: input.grantId,
    clientId: client.client_id,
    accountId: input.accountId,
    scope: input.scope,
    authTime: input.authTime,
    acr: input.acr,
    issuedAt: now,
  };
  const access = mint(deps.random);
  const records: TokenRecord[] = [
    { ...base, hash: access.hash, kind: 'access_token', expiresAt: now + client.accessTokenLifetime },
  ];
  const response: TokenResponse = {
    access_token: access.value,
    token_type: 'bearer',
    expires_in: client.accessTokenLifetime,
    scope: input.scope,
  };
  if (input.withRefreshToken && client.refreshToken.enabled) {
    const refresh = mint(deps.random);
    records.push({
      ...base,
      hash: refresh.hash,
      kind: 'refresh_token',
      expiresAt: now + client.refreshToken.lifetime,
    });
    response.refresh_token = refresh.value;
  }
  if (input.scope.split(' ').includes('openid')) {
    response.id_token = await deps.signJwt(
      idTokenClaims(
        {
          issuer: deps.issuer,
          client,
          sub: input.accountId,
          authTime: input.authTime,
          acr: input.acr,
          accessToken: access.value,
          nonce: input.nonce,
          now,
        },
        deps.random,
      ),
    );
  }
  return { response, records };
}
