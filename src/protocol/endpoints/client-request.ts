// The shared front half of the endpoints that authenticated clients call: form body, no repeats, client auth.
import type { Client } from '../../config/live.ts';
import { authenticateClient, CLIENT_AUTH_PARAMS } from '../client-auth/index.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import { type Params, pickParams, type RawParams, refuseRepeated } from '../params/parse.ts';
import type { Tracer } from '../trace.ts';

export interface ClientRequest {
  /** The media type of the body, without parameters. */
  contentType: string | undefined;
  body: RawParams;
  authorization: string | undefined;
  /** The DPoP header(s) (RFC 9449 §4.1), as sent; more than one is refused. */
  dpop?: string | string[] | undefined;
  /** Receives each check as it runs (the admin's request traces); absent, nothing is recorded. */
  trace?: Tracer | undefined;
}

export async function readClientRequest<K extends string>(
  request: ClientRequest,
  allowed: readonly K[],
  deps: ProtocolDeps,
  /** Whether a public client (client_id alone, no secret) may call this endpoint. */
  allowPublic = true,
  /** Parameters whose absence is reported before client authentication: malformed whoever sends it. */
  required: readonly K[] = [],
): Promise<{ params: Params<K | 'client_id' | 'client_secret'>; client: Client } | OAuthError> {
  // RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1: parameters are form-encoded; JSON is not supported.
  if (request.contentType !== 'application/x-www-form-urlencoded') {
    return new OAuthError(
      'invalid_request',
      `the request body must be application/x-www-form-urlencoded${request.contentType ? `, not ${request.contentType}` : ''}`,
    );
  }
  // Whatever a client-auth method reads is allowed too: client_id, client_secret, later client_assertion.
  const { params, repeated } = pickParams<string>(request.body, [
    ...new Set([...allowed, ...CLIENT_AUTH_PARAMS]),
  ]);
  const repeatedError = refuseRepeated(repeated);
  if (repeatedError) return repeatedError;
  const missing = required.find((name) => params[name] === undefined);
  if (missing !== undefined) return new OAuthError('invalid_request', `${missing} is required`);
  const client = await authenticateClient(
    { authorization: request.authorization, params },
    deps,
    request.trace,
  );
  if (client instanceof OAuthError) return client;
  if (client.public && !allowPublic) {
    return new OAuthError('invalid_client', 'this endpoint needs an authenticated confidential client');
  }
  return { params, client };
}
