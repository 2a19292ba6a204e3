// RFC 7591 §3 client registration and RFC 7592 §2 read, update and delete with the registration access token.
import { sha256 } from '../../shared/crypto.ts';
import type { RegisteredClient } from '../../store/ports/index.ts';
import { OAuthError } from '../errors.ts';
import type { RegistrationDeps } from './deps.ts';
import { type CheckedMetadata, checkMetadata } from './metadata.ts';

export const OPEN_REGISTRATION = 'open registration';

export interface RegistrationRequest {
  body: unknown;
  /** The Authorization header: a Bearer initial access token (§3) or registration access token (RFC 7592 §3). */
  authorization: string | undefined;
  address: string;
}

/** RFC 6750 §2.1: the Bearer credential, or undefined. */
function bearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization ?? '');
  return match?.[1];
}

const noToken = () =>
  new OAuthError('invalid_token', 'a Bearer token is required', { hint: 'challenge-unauthenticated' });
const badToken = (why = 'the registration access token is not valid for this client') =>
  new OAuthError('invalid_token', why, { hint: 'challenge-bearer' });

/** §3.2.1: the client information response: credentials once, then the metadata as registered. */
function information(
  row: Pick<RegisteredClient, 'clientId' | 'createdAt' | 'metadata'>,
  deps: RegistrationDeps,
  issued: { secret?: string | undefined; registrationToken?: string | undefined; confidential: boolean },
): Record<string, unknown> {
  return {
    client_id: row.clientId,
    ...(issued.secret === undefined ? {} : { client_secret: issued.secret }),
    client_id_issued_at: row.createdAt,
    // §3.2.1: 0 means the secret does not expire.
    ...(issued.confidential ? { client_secret_expires_at: 0 } : {}),
    ...(issued.registrationToken === undefined
      ? {}
      : { registration_access_token: issued.registrationToken }),
    registration_client_uri: `${deps.endpoint}/${encodeURIComponent(row.clientId)}`,
    ...row.metadata,
  };
}

/** Who may register: anyone (open), or the holder of an unspent initial access token; the label names them. */
async function registrant(
  request: RegistrationRequest,
  deps: RegistrationDeps,
): Promise<string | OAuthError> {
  if (deps.policy().access === 'open') return OPEN_REGISTRATION;
  const token = bearer(request.authorization);
  if (token === undefined) return noToken();
  const used = await deps.store.useInitialToken(deps.secrets.hash(token), deps.clock.nowSeconds());
  return used ? `initial access token: ${used.label}` : badToken('the initial access token is not valid');
}

/** Counts the attempt; refuses once the address has made its window's registrations. */
async function rateLimited(address: string, deps: RegistrationDeps): Promise<OAuthError | undefined> {
  const { rate_limit: limit, rate_window: window } = deps.policy();
  if (limit === 0) return undefined;
  const key = `registration:${sha256(address)}`;
  const now = deps.clock.nowSeconds();
  const seen = await deps.throttle.failures(key, now);
  if (seen && seen.count >= limit) {
    return new OAuthError('invalid_request', 'too many registrations from this address; try again later', {
      hint: 'too-many-requests',
    });
  }
  await deps.throttle.recordFailure(key, now, window);
  return undefined;
}

function knownScopes(deps: RegistrationDeps): ReadonlySet<string> {
  return new Set(deps.config().scopes.keys());
}

/** RFC 7591 §3.1: registers the client and answers §3.2.1, or the §3.2.2 error. */
export async function registerClient(
  request: RegistrationRequest,
  deps: RegistrationDeps,
): Promise<Record<string, unknown> | OAuthError> {
  const limited = await rateLimited(request.address, deps);
  if (limited) return limited;
  const checked = checkMetadata(request.body, deps.policy(), knownScopes(deps));
  if (checked instanceof OAuthError) return checked;
  // The token is spent only for a registration that will be made.
  const by = await registrant(request, deps);
  if (by instanceof OAuthError) return by;
  const now = deps.clock.nowSeconds();
  const clientId = deps.random.uuid();
  const secret = checked.confidential ? deps.random.token(32) : undefined;
  const registrationToken = deps.random.token(32);
  const row: RegisteredClient = {
    clientId,
    config: withSecret(checked, secret === undefined ? undefined : deps.secrets.hash(secret), deps),
    metadata: checked.metadata,
    registrationTokenHash: deps.secrets.hash(registrationToken),
    registeredBy: by,
    address: request.address.slice(0, 64),
    createdAt: now,
    updatedAt: now,
    lastUsedAt: null,
    disabled: false,
  };
  await deps.store.create(row);
  await deps.audit?.record({
    type: 'client.registered',
    clientId,
    actor: 'registration',
    address: request.address,
    detail: { by: by === OPEN_REGISTRATION ? 'open' : 'initial_access_token' },
  });
  return information(row, deps, { secret, registrationToken, confidential: checked.confidential });
}

/** The stored client config: the checked metadata, the secret's hash, and the server's login form to sign users in. */
function withSecret(
  checked: CheckedMetadata,
  secretHash: string | undefined,
  deps: RegistrationDeps,
): Record<string, unknown> {
  const login = [...deps.config().authenticators.values()].find((a) => a.type === 'html-form');
  return {
    ...checked.config,
    ...(login === undefined ? {} : { authenticator: login.id }),
    ...(secretHash === undefined ? {} : { secret_hash: secretHash }),
  };
}

/** RFC 7592 §3: the client the registration access token belongs to; 401 for any other token or client. */
async function authorized(
  clientId: string,
  authorization: string | undefined,
  deps: RegistrationDeps,
): Promise<RegisteredClient | OAuthError> {
  const token = bearer(authorization);
  if (token === undefined) return noToken();
  const row = await deps.store.find(clientId);
  // §2.1: an unknown client is answered like a wrong token, after the same work, so client_ids cannot be probed.
  const verified = deps.secrets.verify(token, row?.registrationTokenHash ?? '');
  if (!row || !verified) return badToken();
  return row;
}

/** RFC 7592 §2.1: the client's current configuration (its secret exists only as a hash and is not shown). */
export async function readClient(
  clientId: string,
  authorization: string | undefined,
  deps: RegistrationDeps,
): Promise<Record<string, unknown> | OAuthError> {
  const row = await authorized(clientId, authorization, deps);
  if (row instanceof OAuthError) return row;
  return information(row, deps, { confidential: row.config['secret_hash'] !== undefined });
}

/** RFC 7592 §2.2: replaces the metadata (omitted fields fall back to defaults) under the same policy. */
export async function updateClient(
  clientId: string,
  request: RegistrationRequest,
  deps: RegistrationDeps,
): Promise<Record<string, unknown> | OAuthError> {
  const row = await authorized(clientId, request.authorization, deps);
  if (row instanceof OAuthError) return row;
  const body = request.body as Record<string, unknown> | null;
  // §2.2: the request names the client it updates.
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && body['client_id'] !== clientId)
    return new OAuthError(
      'invalid_client_metadata',
      'client_id: must be the client_id of the client being updated',
    );
  const { client_id: _id, client_secret: _secret, ...metadataIn } = (body ?? {}) as Record<string, unknown>;
  const checked = checkMetadata(Array.isArray(body) ? body : metadataIn, deps.policy(), knownScopes(deps));
  if (checked instanceof OAuthError) return checked;
  // A client that stays confidential keeps its secret; one that becomes confidential gets one, shown once.
  const kept = row.config['secret_hash'] as string | undefined;
  const secret = checked.confidential && kept === undefined ? deps.random.token(32) : undefined;
  const secretHash = checked.confidential ? (kept ?? deps.secrets.hash(secret!)) : undefined;
  const updatedAt = deps.clock.nowSeconds();
  const config = withSecret(checked, secretHash, deps);
  await deps.store.update(clientId, { config, metadata: checked.metadata, updatedAt });
  deps.clients.forget(clientId);
  await deps.audit?.record({
    type: 'client.updated',
    clientId,
    actor: 'registration',
    address: request.address,
  });
  return information({ ...row, metadata: checked.metadata }, deps, {
    secret,
    confidential: checked.confidential,
  });
}

/**
 * RFC 7592 §2.3: deletes the client and revokes its grants and tokens. Even before the revocation lands
 * everywhere, every endpoint looks the client up and refuses what was issued to a client that is gone.
 */
export async function deleteClient(
  clientId: string,
  request: Pick<RegistrationRequest, 'authorization' | 'address'>,
  deps: RegistrationDeps,
): Promise<undefined | OAuthError> {
  const row = await authorized(clientId, request.authorization, deps);
  if (row instanceof OAuthError) return row;
  await deps.store.delete(clientId);
  deps.clients.forget(clientId);
  await deps.grants.revokeAllClientGrants(clientId, deps.clock.nowSeconds());
  await deps.audit?.record({
    type: 'client.deleted',
    clientId,
    actor: 'registration',
    address: request.address,
  });
  return undefined;
}
