// Where an authorization request comes from: the query, a request object (RFC 9101) or a pushed request (RFC 9126).
import { resolveClientFor, type Validation, validateAuthorizationRequest } from '../authorize/pipeline.ts';
import type { AuthorizationRequest } from '../authorize/request.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import type { RawParams } from '../params/parse.ts';
import { type Tracer, traceCheck } from '../trace.ts';
import { takePushedRequest } from './pushed.ts';
import { verifyRequestObject } from './request-object.ts';
import { parRequiredError } from './require-par.ts';

export type RequestSource = 'query' | 'request_object' | 'pushed';

export type ReadRequest =
  | {
      ok: true;
      request: AuthorizationRequest;
      /** The parameters the request was validated from (the query, or what the source held). */
      params: RawParams;
      source: RequestSource;
    }
  | { ok: false; error: OAuthError; redirect?: { uri: string; state: string | undefined } };

const paramOf = (raw: RawParams, name: string): string | undefined | string[] => {
  const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
  return value === '' ? undefined : value;
};

/** The authorization request from whichever source it came, validated by the one pipeline. */
export async function readAuthorizationRequest(
  raw: RawParams,
  deps: ProtocolDeps,
  trace?: Tracer,
): Promise<ReadRequest> {
  const requestUri = paramOf(raw, 'request_uri');
  const request = paramOf(raw, 'request');
  const clientIds = paramOf(raw, 'client_id');
  if (Array.isArray(requestUri) || Array.isArray(request))
    return page('request and request_uri must not be repeated');
  if (requestUri !== undefined && request !== undefined)
    return page('send request or request_uri, not both (RFC 9101 §5)');
  // Without either, the pipeline reports a repeated client_id itself.
  if ((requestUri !== undefined || request !== undefined) && Array.isArray(clientIds))
    return page('client_id must not be repeated');
  const clientId = Array.isArray(clientIds) ? undefined : clientIds;

  let params = raw;
  let source: RequestSource = 'query';
  if (requestUri !== undefined) {
    const taken = await takePushedRequest(requestUri, clientId, deps);
    traceCheck(trace, 'par', 'request_uri', 'RFC 9126 §4', taken instanceof OAuthError ? taken : undefined);
    if (taken instanceof OAuthError) {
      // RFC 9126 §4: a pushed request that cannot be used has no trusted redirect URI: the user sees the
      // error. A URL (OIDC Core §6.2 by reference) comes with the request in the query, which may be trusted.
      return taken.code === 'request_uri_not_supported'
        ? await refuse(taken, raw, deps)
        : { ok: false, error: taken };
    }
    params = taken;
    source = 'pushed';
  } else if (request !== undefined) {
    const client = clientId === undefined ? undefined : await deps.clients.find(clientId);
    // The client (whose keys verify the object) must be known before anything can be redirected.
    if (!client) return page(clientId === undefined ? 'client_id is required' : 'unknown client_id');
    const verified = await verifyRequestObject(request, client, deps);
    traceCheck(
      trace,
      'request',
      'request object',
      'RFC 9101 §6',
      verified instanceof OAuthError ? verified : undefined,
    );
    if (verified instanceof OAuthError) return await refuse(verified, raw, deps);
    params = verified;
    source = 'request_object';
  }

  const resolved = await resolveClientFor(params, deps.clients);
  const validation = validateAuthorizationRequest(params, deps.config(), trace, resolved);
  const redirect = trustedRedirect(validation);
  if (source !== 'pushed' && redirect) {
    // The pipeline trusted the client, so client_id names it; refused before any later check's error.
    const required = resolved && parRequiredError(resolved, deps);
    if (required) {
      traceCheck(trace, 'par', 'require PAR', 'RFC 9126 §5', required);
      return { ok: false, error: required, redirect };
    }
  }
  if (!validation.ok) return validation;
  return { ok: true, request: validation.request, params, source };
}

const page = (description: string): ReadRequest => ({
  ok: false,
  error: new OAuthError('invalid_request', description),
});

/**
 * An error redirected to the client when the parameters in `raw` name a client and a redirect URI that
 * the pipeline trusts (RFC 6749 §4.1.2.1); an error page otherwise.
 */
async function refuse(error: OAuthError, raw: RawParams, deps: ProtocolDeps): Promise<ReadRequest> {
  const { request: _request, request_uri: _requestUri, ...outer } = raw;
  const client = await resolveClientFor(outer, deps.clients);
  const redirect = trustedRedirect(validateAuthorizationRequest(outer, deps.config(), undefined, client));
  return redirect ? { ok: false, error, redirect } : { ok: false, error };
}

/** Where errors may go once the pipeline has trusted client and redirect URI, whatever it found later. */
function trustedRedirect(validation: Validation): { uri: string; state: string | undefined } | undefined {
  if (validation.ok) return { uri: validation.request.redirectUri, state: validation.request.state };
  return validation.redirect;
}
