// Reads a subject or actor token (RFC 8693 §2.1): ours looked up by hash, ID tokens and trusted JWTs verified.
import { decodeJwt } from 'jose';
import type { Client } from '../../config/live.ts';
import type { ExchangeTokenType } from '../../config/schema-exchange.ts';
import type { StoredToken } from '../../store/ports/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { hashToken } from '../tokens/opaque.ts';
import { verifyTrustedJwt } from './trusted-jwt.ts';

export type Claims = Record<string, unknown>;

/** Who a presented token stands for, and what it carries that the exchange must respect. */
export interface Presented {
  type: ExchangeTokenType;
  /** The local account, or '' when the token stands for a client or an external subject. */
  accountId: string;
  /** As act and may_act name a party (§4.1, §4.4): sub, with iss when that is not this server. */
  party: { sub: string; iss?: string };
  /** The client it was issued to (our tokens; an ID token's audience), else null. */
  clientId: string | null;
  /** Its scope, or null when it carries none (an ID token, a JWT without scope). */
  scope: string[] | null;
  /** When it stops being valid: the exchanged token never outlives it. */
  expiresAt: number;
  authTime: number;
  acr: string;
  /** §4.1: who already acts for the subject, or null. */
  act: Claims | null;
  /** §4.4: who may act for it, or null when it says nothing. */
  mayAct: Claims | null;
  /** Our stored token (access or refresh): the exchanged token joins its grant and falls with it. */
  stored: StoredToken | null;
  /** RFC 9449: the DPoP key thumbprint the token is bound to (ours, or a JWT's cnf.jkt), or null. */
  jkt: string | null;
}

/** §2.2.2: an invalid or unacceptable subject or actor token is invalid_request, whatever is wrong with it. */
export const refused = (role: string, why: string) => new OAuthError('invalid_request', `${role} ${why}`);

const object = (value: unknown): Claims | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Claims) : null;

const parsed = (json: string | undefined): Claims | null =>
  json === undefined ? null : object(JSON.parse(json));

export async function readPresented(
  type: ExchangeTokenType,
  value: string,
  role: 'subject_token' | 'actor_token',
  client: Client,
  deps: ProtocolDeps,
): Promise<Presented | OAuthError> {
  if (type === 'access_token' || type === 'refresh_token') return ours(type, value, role, client, deps);
  if (type === 'id_token') return idToken(value, role, client, deps);
  const jwt = await verifyTrustedJwt(value, client, deps);
  if (typeof jwt === 'string') return refused(role, jwt);
  const scope =
    typeof jwt.claims['scope'] === 'string' ? jwt.claims['scope'].split(' ').filter(Boolean) : null;
  return {
    type,
    accountId: '',
    party: { sub: jwt.sub, iss: jwt.iss },
    clientId: null,
    scope,
    expiresAt: jwt.exp,
    authTime: typeof jwt.claims['auth_time'] === 'number' ? jwt.claims['auth_time'] : jwt.exp,
    acr: typeof jwt.claims['acr'] === 'string' ? jwt.claims['acr'] : '',
    act: object(jwt.claims['act']),
    mayAct: object(jwt.claims['may_act']),
    stored: null,
    jkt: cnfJkt(jwt.claims),
  };
}

async function ours(
  type: 'access_token' | 'refresh_token',
  value: string,
  role: string,
  client: Client,
  deps: ProtocolDeps,
): Promise<Presented | OAuthError> {
  const token = await deps.grants.findToken(hashToken(value));
  const now = deps.clock.nowSeconds();
  if (!token || token.kind !== type) return refused(role, `is not an active ${type.replace('_', ' ')}`);
  if (token.revoked || token.expiresAt <= now || token.rotatedAt !== null)
    return refused(role, `is not an active ${type.replace('_', ' ')}`);
  // A client's refresh token never leaves it; access tokens of the clients the policy names may be exchanged.
  const own = token.clientId === client.client_id;
  const named = type === 'access_token' && client.tokenExchange?.subject_clients.includes(token.clientId);
  if (!own && !named) return refused(role, 'was issued to another client');
  // A removed client (or a deleted registration) takes its tokens with it, as at introspection.
  if (!own && !(await deps.clients.find(token.clientId)))
    return refused(role, `is not an active ${type.replace('_', ' ')}`);
  const account = await activeAccount(token.accountId, deps);
  if (account === false) return refused(role, `is not an active ${type.replace('_', ' ')}`);
  const external = parsed(token.subject);
  const sub =
    external && typeof external['sub'] === 'string'
      ? external['sub']
      : token.accountId !== ''
        ? token.accountId
        : token.clientId;
  return {
    type,
    accountId: token.accountId,
    party: external && typeof external['iss'] === 'string' ? { sub, iss: external['iss'] } : { sub },
    clientId: token.clientId,
    scope: token.scope === '' ? [] : token.scope.split(' '),
    // A refresh token's own expiry is its idle or family end; what it yields lives no longer than that.
    expiresAt: token.expiresAt,
    authTime: token.authTime,
    acr: token.acr,
    act: parsed(token.act),
    mayAct: null,
    stored: token,
    jkt: token.jkt,
  };
}

async function idToken(
  value: string,
  role: string,
  client: Client,
  deps: ProtocolDeps,
): Promise<Presented | OAuthError> {
  // Signature and iss are checked by the hint verifier, so the payload decoded below is ours.
  const hint = await deps.verifyIdTokenHint(value);
  if (!hint) return refused(role, 'is not an ID token this server issued');
  const claims = decodeJwt(value);
  const now = deps.clock.nowSeconds();
  if (typeof claims.exp !== 'number' || claims.exp <= now) return refused(role, 'has expired');
  // OIDC Core §2: aud names the client it was issued to; another client's ID token is not this one's to use.
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(client.client_id) && !aud.includes(deps.issuer))
    return refused(role, 'is an ID token issued to another client');
  const account = await activeAccount(hint.sub, deps);
  if (account === false) return refused(role, 'names an account that is no longer active');
  return {
    type: 'id_token',
    accountId: hint.sub,
    party: { sub: hint.sub },
    clientId: hint.aud,
    scope: null,
    expiresAt: claims.exp,
    authTime: typeof claims['auth_time'] === 'number' ? claims['auth_time'] : now,
    acr: typeof claims['acr'] === 'string' ? claims['acr'] : '',
    act: object(claims['act']),
    mayAct: object(claims['may_act']),
    stored: null,
    jkt: cnfJkt(claims),
  };
}

/** RFC 7800 §3.1 / RFC 9449 §6.1: the key a JWT is bound to, when it names one. */
function cnfJkt(claims: Claims): string | null {
  const jkt = object(claims['cnf'])?.['jkt'];
  return typeof jkt === 'string' ? jkt : null;
}

/** true for an enabled account, or when the token has no account behind it; false otherwise. */
async function activeAccount(accountId: string, deps: ProtocolDeps): Promise<boolean> {
  if (accountId === '') return true;
  const account = await deps.accounts.findById(accountId);
  return account !== undefined && !account.disabled;
}
