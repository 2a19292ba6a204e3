// Authenticates the client at the token endpoint by whichever supported method it used.
import type { Client, LiveConfig } from '../../config/live.ts';
import type { SecretHasher } from '../../keys/secrets.ts';
import { safeEqual } from '../../shared/crypto.ts';
import { OAuthError } from '../errors.ts';
import { readBasic } from './client-secret-basic.ts';
import { readPost } from './client-secret-post.ts';

export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

const UNKNOWN_CLIENT_HASH = 'hmac-sha256:no-client-has-this-hash-AAAAAAAAAAAAAAAAAAAAAAA';

export interface ClientAuthRequest {
  authorization: string | undefined;
  client_id: string | undefined;
  client_secret: string | undefined;
}

export function authenticateClient(
  request: ClientAuthRequest,
  config: LiveConfig,
  secrets: SecretHasher,
): Client | OAuthError {
  const basic = readBasic(request.authorization);
  if (basic instanceof OAuthError) return basic;
  const post = readPost(request);
  const usedBasic = basic !== undefined;
  const fail = (description: string) =>
    new OAuthError('invalid_client', description, { basicChallenge: usedBasic });

  const presented = basic ?? post;
  if (!presented) {
    // "none" (RFC 7591 §2): a public client identifies itself with client_id alone.
    const named = request.client_id === undefined ? undefined : config.clients.get(request.client_id);
    if (named?.public) return named;
    return fail(
      request.client_id === undefined
        ? 'client authentication is required'
        : 'client authentication is required: send client_secret or use HTTP Basic',
    );
  }
  // The seed: credentials sent in both places must match, or the call is rejected.
  if (
    basic &&
    post &&
    !(safeEqual(basic.clientId, post.clientId) && safeEqual(basic.clientSecret, post.clientSecret))
  ) {
    return fail('client credentials in the Authorization header and the body do not match');
  }
  if (basic && request.client_id !== undefined && request.client_id !== basic.clientId) {
    return fail('client_id in the body does not match the authenticated client');
  }
  const client = config.clients.get(presented.clientId);
  if (client?.public) return fail('a public client must not authenticate with a secret');
  // An unknown client costs the same hash as a known one, and gets the same message: no enumeration.
  const verified = secrets.verify(presented.clientSecret, client?.secretHash ?? UNKNOWN_CLIENT_HASH);
  if (!client || !verified) {
    return fail('client authentication failed');
  }
  return client;
}
