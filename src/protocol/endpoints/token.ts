// Token endpoint (RFC 6749 §3.2, §5): form-encoded POST, client authentication, then the grant's handler.
import { authenticateClient } from '../client-auth/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { TOKEN_PARAMS } from '../grants/grant.ts';
import { GRANTS } from '../grants/index.ts';
import { pickParams, type RawParams, refuseRepeated } from '../params/parse.ts';
import type { TokenResponse } from '../tokens/response.ts';

export interface TokenRequest {
  /** The media type of the body, without parameters. */
  contentType: string | undefined;
  body: RawParams;
  authorization: string | undefined;
}

export async function tokenEndpoint(
  request: TokenRequest,
  deps: ProtocolDeps,
): Promise<TokenResponse | OAuthError> {
  // §3.2 and the seed: parameters are form-encoded; JSON is not supported.
  if (request.contentType !== 'application/x-www-form-urlencoded') {
    return new OAuthError(
      'invalid_request',
      `the token request body must be application/x-www-form-urlencoded${request.contentType ? `, not ${request.contentType}` : ''}`,
    );
  }
  const { params, repeated } = pickParams(request.body, TOKEN_PARAMS);
  const repeatedError = refuseRepeated(repeated);
  if (repeatedError) return repeatedError;
  if (params.grant_type === undefined) return new OAuthError('invalid_request', 'grant_type is required');

  const client = authenticateClient(
    {
      authorization: request.authorization,
      client_id: params.client_id,
      client_secret: params.client_secret,
    },
    deps.config(),
    deps.secrets,
  );
  if (client instanceof OAuthError) return client;

  const grant = GRANTS.get(params.grant_type);
  if (!grant)
    return new OAuthError('unsupported_grant_type', `grant_type "${params.grant_type}" is not supported`);
  return grant.handle(params, client, deps);
}
