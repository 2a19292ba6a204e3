// Mints an exchanged access token (RFC 8693 §2.2.1): opaque or RFC 9068 JWT, with act, audience and scope.
import type { Client } from '../../config/live.ts';
import type { TokenRecord } from '../../store/ports/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { hashToken, mint } from '../tokens/opaque.ts';
import type { Audience } from '../tokens/response.ts';
import type { Claims, Presented } from './presented.ts';

export interface ExchangedToken {
  value: string;
  record: TokenRecord;
  expiresIn: number;
}

export async function mintExchanged(
  input: {
    client: Client;
    subject: Presented;
    actor: Presented | null;
    act: Claims | null;
    audience: Audience;
    scope: readonly string[];
    grantId: string;
    jkt: string | null;
  },
  deps: ProtocolDeps,
): Promise<ExchangedToken> {
  const { client, subject, audience } = input;
  const now = deps.clock.nowSeconds();
  // Never outlives the token it came from, nor the actor's own token.
  const end = Math.min(
    now + audience.lifetime,
    subject.expiresAt,
    input.actor?.expiresAt ?? Number.POSITIVE_INFINITY,
  );
  const external = subject.party.iss === undefined ? undefined : JSON.stringify(subject.party);
  const scope = input.scope.join(' ');
  const value =
    audience.format === 'jwt'
      ? await deps.signJwt(
          {
            iss: deps.issuer,
            sub: subject.party.sub,
            aud: audience.identifiers.length === 1 ? audience.identifiers[0] : audience.identifiers,
            client_id: client.client_id,
            exp: end,
            iat: now,
            jti: deps.random.uuid(),
            scope,
            ...(subject.accountId !== '' ? { auth_time: subject.authTime, acr: subject.acr } : {}),
            ...(input.act === null ? {} : { act: input.act }),
            ...(input.jkt === null ? {} : { cnf: { jkt: input.jkt } }),
          },
          { alg: client.profile === 'fapi2' ? client.idTokenAlg : 'RS256', typ: 'at+jwt' },
        )
      : mint(deps.random).value;
  const record: TokenRecord = {
    hash: hashToken(value),
    kind: 'access_token',
    grantId: input.grantId,
    clientId: client.client_id,
    accountId: subject.accountId,
    scope,
    authTime: subject.authTime,
    acr: subject.acr,
    issuedAt: now,
    expiresAt: end,
    familyExpiresAt: null,
    claims: null,
    audience: audience.identifiers.join(' '),
    jkt: input.jkt,
    ...(input.act === null ? {} : { act: JSON.stringify(input.act) }),
    ...(external === undefined ? {} : { subject: external }),
  };
  return { value, record, expiresIn: end - now };
}
