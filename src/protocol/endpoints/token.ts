// Token endpoint (RFC 6749 §3.2, §5): form-encoded POST, client authentication, then the grant's handler.
import type { ProtocolDeps } from '../deps.ts';
import { tokenRequestJkt } from '../dpop/token-binding.ts';
import { OAuthError } from '../errors.ts';
import { TOKEN_PARAMS } from '../grants/grant.ts';
import { GRANTS, grantOffered } from '../grants/index.ts';
import { multiValues } from '../params/parse.ts';
import { readResources } from '../tokens/audience.ts';
import type { TokenResponse } from '../tokens/response.ts';
import { traceCheck } from '../trace.ts';
import { type ClientRequest, readClientRequest } from './client-request.ts';

export type TokenRequest = ClientRequest;

export async function tokenEndpoint(
  request: TokenRequest,
  deps: ProtocolDeps,
): Promise<TokenResponse | OAuthError> {
  const read = await readClientRequest(request, TOKEN_PARAMS, deps, true, ['grant_type']);
  if (read instanceof OAuthError) return read;
  const { params, client } = read;
  const trace = request.trace;
  const grantType = params.grant_type!;
  const refuse = (stage: 'grant' | 'dpop', name: string, section: string, error: OAuthError) => {
    traceCheck(trace, stage, name, section, error);
    return error;
  };
  const found = GRANTS.get(grantType);
  const grant = found && grantOffered(found, deps.config()) ? found : undefined;
  if (!grant)
    return refuse(
      'grant',
      grantType,
      'RFC 6749 §5.2',
      new OAuthError('unsupported_grant_type', `grant_type "${grantType}" is not supported`),
    );
  // RFC 6749 §5.2: a client not allowed this grant type is unauthorized_client.
  if (grant.capability !== undefined && !client.capabilities.has(grant.capability)) {
    const error = new OAuthError(
      'unauthorized_client',
      `this client may not use grant_type ${grant.grantType}`,
    );
    return refuse('grant', grantType, 'RFC 6749 §5.2', error);
  }
  // RFC 8707 §2: resource may repeat, so it is read apart from the single-valued parameters.
  const resources = readResources(request.body);
  if (resources instanceof OAuthError) return refuse('grant', 'resource', 'RFC 8707 §2', resources);
  // RFC 9449 §5: the proof is checked before the grant runs; its key binds the tokens the grant issues.
  const jkt = await tokenRequestJkt(request, client, deps);
  if (jkt instanceof OAuthError) return refuse('dpop', 'DPoP proof', 'RFC 9449 §4.3, §5', jkt);
  if (jkt !== null)
    traceCheck(trace, 'dpop', 'DPoP proof', 'RFC 9449 §4.3', undefined, 'tokens bound to the proof key');
  const audiences = multiValues(request.body, 'audience');
  const result = await grant.handle(params, client, deps, { resources, jkt, audiences });
  if (trace) {
    const error = result instanceof OAuthError ? result : undefined;
    traceCheck(
      trace,
      'grant',
      grantType,
      GRANT_SECTIONS[grantType] ?? 'RFC 6749 §5',
      error,
      error ? undefined : 'tokens issued',
    );
  }
  return result;
}

const GRANT_SECTIONS: Readonly<Record<string, string>> = {
  authorization_code: 'RFC 6749 §4.1.3, RFC 7636 §4.6',
  refresh_token: 'RFC 6749 §6, RFC 9700 §4.14',
  client_credentials: 'RFC 6749 §4.4',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'RFC 8693 §2',
  'urn:ietf:params:oauth:grant-type:device_code': 'RFC 8628 §3.4, §3.5',
};
