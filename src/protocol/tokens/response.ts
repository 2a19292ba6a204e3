// Mints the access token (and refresh token, ID token) a grant issues, and shapes the token response.
import type { Client } from '../../config/live.ts';
import type { TokenRecord } from '../../store/ports/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { requestedClaims } from './claims.ts';
import { idTokenClaims } from './id-token.ts';
import { hashToken, mint } from './opaque.ts';

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
  claims: string | null;
  /** new: start a refresh-token family; rotate: its successor; none: keep the one presented. */
  refresh: { kind: 'new' } | { kind: 'rotate'; familyExpiresAt: number } | { kind: 'none' };
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
    claims: input.claims,
    familyExpiresAt: null,
  };
  const accessToken =
    client.accessTokenFormat === 'jwt' ? await jwtAccessToken(input, now, deps) : mint(deps.random).value;
  const records: TokenRecord[] = [
    {
      ...base,
      hash: hashToken(accessToken),
      kind: 'access_token',
      expiresAt: now + client.accessTokenLifetime,
    },
  ];
  const response: TokenResponse = {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: client.accessTokenLifetime,
    scope: input.scope,
  };
  if (input.refresh.kind !== 'none' && client.refreshToken.enabled) {
    const family =
      input.refresh.kind === 'new' ? now + client.refreshToken.lifetime : input.refresh.familyExpiresAt;
    const idle = client.refreshToken.idleLifetime;
    const refresh = mint(deps.random);
    records.push({
      ...base,
      hash: refresh.hash,
      kind: 'refresh_token',
      expiresAt: idle === null ? family : Math.min(family, now + idle),
      familyExpiresAt: family,
    });
    response.refresh_token = refresh.value;
  }
  if (input.scope.split(' ').includes('openid')) {
    const extra = await requestedClaims(input.claims, 'id_token', input.accountId, deps);
    response.id_token = await deps.signJwt(
      idTokenClaims(
        {
          issuer: deps.issuer,
          client,
          sub: input.accountId,
          authTime: input.authTime,
          acr: input.acr,
          accessToken,
          nonce: input.nonce,
          now,
          extra,
        },
        deps.random,
      ),
      { alg: client.idTokenAlg },
    );
  }
  return { response, records };
}

/** RFC 9068 §2.2: a JWT access token, typed at+jwt so it cannot pass for an ID token. */
function jwtAccessToken(input: IssueInput, now: number, deps: ProtocolDeps): Promise<string> {
  return deps.signJwt(
    {
      iss: deps.issuer,
      sub: input.accountId,
      aud: input.client.client_id,
      client_id: input.client.client_id,
      exp: now + input.client.accessTokenLifetime,
      iat: now,
      jti: deps.random.uuid(),
      scope: input.scope,
      auth_time: input.authTime,
      acr: input.acr,
    },
    { alg: 'RS256', typ: 'at+jwt' },
  );
}
