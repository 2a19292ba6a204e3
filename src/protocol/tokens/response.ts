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
  /** RFC 9449 §5: DPoP for a token bound to the client's key. */
  token_type: 'bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  /** RFC 8693 §2.2.1: what a token exchange issued. */
  issued_token_type?: string;
}

export interface Issuance {
  response: TokenResponse;
  /** Rows to store (hashes only), in the same transaction as whatever the grant consumes. */
  records: TokenRecord[];
}

/** RFC 8707: the API an access token is for, and what that API says its tokens look like. */
export interface Audience {
  identifiers: readonly string[];
  format: 'opaque' | 'jwt';
  lifetime: number;
}

export interface IssueInput {
  client: Client;
  grantId: string;
  /** The resource owner, or '' when the client acts for itself (client credentials). */
  accountId: string;
  scope: string;
  authTime: number;
  acr: string;
  /** RFC 8176 amr values of the login, space-separated ('' or absent: none); kept on the tokens for refresh. */
  amr?: string | undefined;
  nonce: string | null;
  claims: string | null;
  /** new: start a refresh-token family; rotate: its successor; none: keep the one presented. */
  refresh: { kind: 'new' } | { kind: 'rotate'; familyExpiresAt: number } | { kind: 'none' };
  /** The access token's API (RFC 8707), or null for a token for the client itself (and userinfo). */
  audience: Audience | null;
  /** The access token's scope when narrower than the grant's (the scopes its API accepts). */
  accessScope?: string;
  /** Resources the grant may name later (kept on the refresh token), space-separated, or null. */
  resources: string | null;
  /** RFC 9449: the DPoP key thumbprint the tokens are bound to, or null for bearer tokens. */
  jkt: string | null;
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
    jkt: input.jkt,
    ...(input.amr ? { amr: input.amr } : {}),
  };
  const accessScope = input.accessScope ?? input.scope;
  const format = input.audience?.format ?? client.accessTokenFormat;
  const lifetime = input.audience?.lifetime ?? client.accessTokenLifetime;
  const accessToken =
    format === 'jwt'
      ? await jwtAccessToken(input, accessScope, now, lifetime, deps)
      : mint(deps.random).value;
  const records: TokenRecord[] = [
    {
      ...base,
      hash: hashToken(accessToken),
      kind: 'access_token',
      scope: accessScope,
      expiresAt: now + lifetime,
      audience: input.audience ? input.audience.identifiers.join(' ') : null,
    },
  ];
  const response: TokenResponse = {
    access_token: accessToken,
    token_type: input.jkt === null ? 'bearer' : 'DPoP',
    expires_in: lifetime,
    scope: accessScope,
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
      audience: input.resources,
      // RFC 9449 §5: only a public client's refresh token is bound; a confidential client authenticates instead.
      jkt: client.public ? input.jkt : null,
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
          amr: input.amr ? input.amr.split(' ') : undefined,
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
function jwtAccessToken(
  input: IssueInput,
  scope: string,
  now: number,
  lifetime: number,
  deps: ProtocolDeps,
): Promise<string> {
  const audience = input.audience?.identifiers ?? [input.client.client_id];
  const user = input.accountId !== '';
  return deps.signJwt(
    {
      iss: deps.issuer,
      // RFC 9068 §2.2: with no resource owner, sub is the client itself.
      sub: user ? input.accountId : input.client.client_id,
      aud: audience.length === 1 ? audience[0] : audience,
      client_id: input.client.client_id,
      exp: now + lifetime,
      iat: now,
      jti: deps.random.uuid(),
      scope,
      ...(user ? { auth_time: input.authTime, acr: input.acr } : {}),
      // RFC 9449 §6.1: the key the token is bound to.
      ...(input.jkt === null ? {} : { cnf: { jkt: input.jkt } }),
    },
    // FAPI 2.0 §5.4.1: a profiled client's tokens use its (PS256, ES256, EdDSA) algorithm.
    { alg: input.client.profile === 'fapi2' ? input.client.idTokenAlg : 'RS256', typ: 'at+jwt' },
  );
}
