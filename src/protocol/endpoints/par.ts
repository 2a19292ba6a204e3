// Pushed authorization request endpoint (RFC 9126 §2): the client posts the request, validated, and gets a request_uri.
import { resolveClientFor, validateAuthorizationRequest } from '../authorize/pipeline.ts';
import { AUTHORIZE_PARAMS } from '../authorize/request.ts';
import type { ProtocolDeps } from '../deps.ts';
import { checkDpopProof } from '../dpop/proof.ts';
import { OAuthError } from '../errors.ts';
import { multiValues, type RawParams } from '../params/parse.ts';
import { type PushedReference, pushRequest } from '../requests/pushed.ts';
import { verifyRequestObject } from '../requests/request-object.ts';
import { traceCheck } from '../trace.ts';
import { type ClientRequest, readClientRequest } from './client-request.ts';

export async function parEndpoint(
  input: ClientRequest,
  deps: ProtocolDeps,
): Promise<PushedReference | OAuthError> {
  // §2.1: authenticated as at the token endpoint; a public client identifies itself with client_id.
  const read = await readClientRequest(input, AUTHORIZE_PARAMS, deps);
  if (read instanceof OAuthError) return read;
  const { params, client } = read;
  // §2.1: a pushed request cannot itself refer to another one.
  if (params.request_uri !== undefined)
    return new OAuthError(
      'invalid_request',
      'request_uri must not be sent to the pushed authorization endpoint',
    );
  // §2.1: the client_id sent must be the authenticated client's.
  if (params.client_id !== undefined && params.client_id !== client.client_id)
    return new OAuthError('invalid_request', 'client_id does not match the authenticated client');

  let request: RawParams = { client_id: client.client_id };
  if (params.request !== undefined) {
    // §3: a request object replaces the other parameters (RFC 9101 §6.3), as at the authorization endpoint.
    const verified = await verifyRequestObject(params.request, client, deps);
    if (verified instanceof OAuthError) return verified;
    request = verified;
  } else {
    for (const name of AUTHORIZE_PARAMS) if (params[name] !== undefined) request[name] = params[name];
    const resource = multiValues(input.body, 'resource');
    if (resource.length > 0) request['resource'] = resource;
  }

  // RFC 9449 §10.1: a DPoP proof here binds the authorization code to its key.
  const proof = await checkDpopProof({ header: input.dpop, method: 'POST', url: deps.endpoints.par }, deps);
  if (proof instanceof OAuthError) {
    traceCheck(input.trace, 'dpop', 'DPoP proof', 'RFC 9449 §4.3, §10.1', proof);
    return proof;
  }
  if (proof) {
    if (request['dpop_jkt'] !== undefined && request['dpop_jkt'] !== proof.jkt)
      return new OAuthError('invalid_request', 'dpop_jkt does not match the key of the DPoP proof');
    request['dpop_jkt'] = proof.jkt;
  }

  // §2.1: validated as the authorization endpoint would; §2.3: errors are answered here, never redirected.
  const resolved = await resolveClientFor(request, deps.clients);
  const validation = validateAuthorizationRequest(request, deps.config(), input.trace, resolved);
  if (!validation.ok) return validation.error;
  traceCheck(input.trace, 'par', 'pushed', 'RFC 9126 §2.2', undefined, 'request_uri issued');
  return pushRequest(client.client_id, request, deps.server.parLifetime, deps);
}
