// Token endpoint (RFC 6749 §3.2, §5): form-encoded POST, client authentication, then the grant's handler.
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { TOKEN_PARAMS } from '../grants/grant.ts';
import { GRANTS } from '../grants/index.ts';
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
  return grant.handle(params, client, deps);
}
