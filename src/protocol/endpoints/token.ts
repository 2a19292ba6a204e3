// Token endpoint (RFC 6749 §3.2, §5): form-encoded POST, client authentication, then the grant's handler.
import type { ProtocolDeps } from '../deps.ts';
import { tokenRequestJkt } from '../dpop/token-binding.ts';
import { OAuthError } from '../errors.ts';
import { TOKEN_PARAMS } from '../grants/grant.ts';
import { GRANTS } from '../grants/index.ts';
import { readResources } from '../tokens/audience.ts';
import type { TokenResponse } from '../tokens/response.ts';
import { type ClientRequest, readClientRequest } from './client-request.ts';

export type TokenRequest = ClientRequest;

export async function tokenEndpoint(
  request: TokenRequest,
  deps: ProtocolDeps,
): Promise<TokenResponse | OAuthError> {
  const read = await readClientRequest(request, TOKEN_PARAMS, deps, true, ['grant_type']);
  if (read instanceof OAuthError) return read;
  const { params, client } = read;
  const grant = GRANTS.get(params.grant_type!);
  if (!grant)
    return new OAuthError('unsupported_grant_type', `grant_type "${params.grant_type}" is not supported`);
  // RFC 6749 §5.2: a client not allowed this grant type is unauthorized_client.
  if (grant.capability !== undefined && !client.capabilities.has(grant.capability)) {
    return new OAuthError('unauthorized_client', `this client may not use grant_type ${grant.grantType}`);
  }
  // RFC 8707 §2: resource may repeat, so it is read apart from the single-valued parameters.
  const resources = readResources(request.body);
  if (resources instanceof OAuthError) return resources;
  // RFC 9449 §5: the proof is checked before the grant runs; its key binds the tokens the grant issues.
  const jkt = await tokenRequestJkt(request, client, deps);
  if (jkt instanceof OAuthError) return jkt;
  return grant.handle(params, client, deps, { resources, jkt });
}
