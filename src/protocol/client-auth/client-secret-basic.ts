// client_secret_basic: HTTP Basic with form-encoded id and secret (RFC 6749 §2.3.1).
import { OAuthError } from '../errors.ts';

export interface PresentedCredentials {
  clientId: string;
  clientSecret: string;
}

const invalid = (description: string) =>
  new OAuthError('invalid_client', description, { basicChallenge: true });

function formDecode(value: string): string {
  // application/x-www-form-urlencoded: '+' is a space, then percent-decoding.
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** undefined when no Authorization header; an OAuthError when it is Basic but malformed. */
export function readBasic(authorization: string | undefined): PresentedCredentials | OAuthError | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Basic +([A-Za-z0-9+/=._~-]*) *$/i.exec(authorization);
  if (!match) {
    if (/^Basic\b/i.test(authorization)) return invalid('malformed HTTP Basic credentials');
    return new OAuthError('invalid_client', 'unsupported Authorization scheme for client authentication', {
      basicChallenge: true,
    });
  }
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return invalid('HTTP Basic credentials must be client_id:client_secret');
  try {
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      clientSecret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return invalid('HTTP Basic credentials are not correctly form-encoded (RFC 6749 §2.3.1)');
  }
}
