// Pushed authorization requests (RFC 9126): stored under a random request_uri, taken back once by their client.
import { sha256 } from '../../shared/crypto.ts';
import { AUTHORIZE_PARAMS, MULTI_VALUED_PARAMS } from '../authorize/request.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { multiValues, type RawParams } from '../params/parse.ts';

/** RFC 9126 §2.2: the URN form of the request_uri this server hands out; only this form is accepted. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** The random part: deps.random.token() output (base64url); anything else was not issued here. */
const REFERENCE = /^[A-Za-z0-9_-]{16,128}$/;

/** Parameters that name or carry a request rather than being one: never stored, never replayed. */
const NOT_STORED = new Set(['request', 'request_uri']);

/** What a pushed request keeps: the authorization parameters (single strings) and every resource value. */
export function storableParams(raw: RawParams): Record<string, string | string[]> {
  const stored: Record<string, string | string[]> = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
    if (NOT_STORED.has(name) || value === undefined || value === '') continue;
    stored[name] = Array.isArray(value) ? [...value] : value;
  }
  for (const name of MULTI_VALUED_PARAMS) {
    const values = multiValues(raw, name);
    if (values.length > 0) stored[name] = values;
  }
  return stored;
}

export interface PushedReference {
  request_uri: string;
  expires_in: number;
}

/** Stores the request for `lifetime` seconds; only the hash of the random part is kept (RFC 9126 §7.1). */
export async function pushRequest(
  clientId: string,
  params: RawParams,
  lifetime: number,
  deps: ProtocolDeps,
): Promise<PushedReference> {
  const reference = deps.random.token();
  await deps.pushedRequests.push({
    hash: sha256(reference),
    clientId,
    params: storableParams(params),
    expiresAt: deps.clock.nowSeconds() + lifetime,
  });
  return { request_uri: REQUEST_URI_PREFIX + reference, expires_in: lifetime };
}

/**
 * Takes the pushed request a request_uri names, once (RFC 9126 §4: single use), and only for the client
 * that pushed it: the client_id of the authorization request must be the pushing client's.
 */
export async function takePushedRequest(
  requestUri: string,
  clientId: string | undefined,
  deps: ProtocolDeps,
): Promise<RawParams | OAuthError> {
  if (!requestUri.startsWith(REQUEST_URI_PREFIX)) {
    // OIDC Core §6.2 request objects by reference (a URL the server would fetch) are not supported.
    if (/^https?:/i.test(requestUri))
      return new OAuthError('request_uri_not_supported', 'request_uri by reference (a URL) is not supported');
    return new OAuthError('invalid_request_uri', 'request_uri was not issued by this server');
  }
  const reference = requestUri.slice(REQUEST_URI_PREFIX.length);
  if (!REFERENCE.test(reference))
    return new OAuthError('invalid_request_uri', 'request_uri was not issued by this server');
  if (clientId === undefined) return new OAuthError('invalid_request', 'client_id is required');
  const pushed = await deps.pushedRequests.take(sha256(reference), deps.clock.nowSeconds());
  if (!pushed)
    return new OAuthError('invalid_request_uri', 'request_uri is unknown, expired or already used');
  if (pushed.clientId !== clientId) {
    return new OAuthError('invalid_request_uri', 'request_uri was pushed by another client', {
      detail: `client_id=${clientId} pushed_by=${pushed.clientId}`,
    });
  }
  const params: RawParams = {};
  for (const [name, value] of Object.entries(pushed.params))
    params[name] = typeof value === 'string' ? value : [...value];
  return params;
}
