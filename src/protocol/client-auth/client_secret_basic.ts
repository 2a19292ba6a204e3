// client_secret_basic: HTTP Basic with form-encoded id and secret (RFC 6749 §2.3.1, RFC 7617).
import { OAuthError } from '../errors.ts';
import type { ClientAuthMethod, Presented } from './method.ts';
import { verifySecret } from './secret.ts';

const invalid = (description: string) =>
  new OAuthError('invalid_client', description, { hint: 'challenge-basic' });

/**
 * RFC 7617 §2 and RFC 4648 §4: the credentials are base64, read strictly. A lenient decoder
 * would skip characters outside the alphabet and bad padding, so several headers would stand
 * for one secret.
 */
export function strictBase64(value: string): Buffer | undefined {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  // Non-zero bits in the final padding character decode too; only the canonical form is accepted.
  return bytes.toString('base64') === value ? bytes : undefined;
}

function formDecode(value: string): string {
  // application/x-www-form-urlencoded: '+' is a space, then percent-decoding.
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** undefined when no Authorization header; an OAuthError when it is not well-formed Basic. */
export function readBasic(authorization: string | undefined): Presented | OAuthError | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Basic +(\S*) *$/i.exec(authorization);
  if (!match) {
    if (/^Basic\b/i.test(authorization)) return invalid('malformed HTTP Basic credentials');
    return invalid('unsupported Authorization scheme for client authentication');
  }
  const bytes = strictBase64(match[1]!);
  if (!bytes) return invalid('malformed HTTP Basic credentials');
  const decoded = bytes.toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return invalid('HTTP Basic credentials must be client_id:client_secret');
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), proof: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return invalid('HTTP Basic credentials are not correctly form-encoded (RFC 6749 §2.3.1)');
  }
}

export const clientSecretBasic = {
  name: 'client_secret_basic',
  parameters: [],
  hint: 'challenge-basic',
  present: (request) => readBasic(request.authorization),
  verify: verifySecret,
} satisfies ClientAuthMethod;
