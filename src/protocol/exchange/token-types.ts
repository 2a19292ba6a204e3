// RFC 8693 §3 token type identifiers: the URIs on the wire, the short names the policy uses.
import type { ExchangeTokenType } from '../../config/schema-exchange.ts';
import { OAuthError } from '../errors.ts';

export const TOKEN_TYPE_URI: Readonly<Record<ExchangeTokenType, string>> = {
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  refresh_token: 'urn:ietf:params:oauth:token-type:refresh_token',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
};

const BY_URI: ReadonlyMap<string, ExchangeTokenType> = new Map(
  Object.entries(TOKEN_TYPE_URI).map(([name, uri]) => [uri, name as ExchangeTokenType]),
);

/**
 * The short name of a presented token's type, or invalid_request (§2.2.2) when the URI is none this server
 * reads (SAML assertions, anything else) or the client's policy does not let it present that type.
 */
export function presentedType(
  uri: string,
  role: 'subject_token_type' | 'actor_token_type',
  allowed: readonly ExchangeTokenType[],
): ExchangeTokenType | OAuthError {
  const type = BY_URI.get(uri);
  if (type === undefined) {
    return new OAuthError('invalid_request', `${role} is not a token type this server accepts (RFC 8693 §3)`);
  }
  if (!allowed.includes(type)) {
    return new OAuthError('invalid_request', `this client may not present a ${type} as ${role.slice(0, -5)}`);
  }
  return type;
}
