// RFC 7591 §2 redirect_uris under the registration policy: https to allowed hosts, http on loopback only, safe schemes.
import { isLoopbackHost } from '../../config/schema.ts';
import type { RegistrationPolicy } from '../../config/schema-registration.ts';

/** Schemes that run or embed content where a redirect lands; never a redirect URI (RFC 9700 §4.1.3). */
const FORBIDDEN_SCHEMES = new Set([
  'javascript:',
  'data:',
  'file:',
  'vbscript:',
  'blob:',
  'about:',
  'filesystem:',
]);
const MAX_URIS = 20;
const MAX_LENGTH = 2_000;

function hostAllowed(host: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) =>
    p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p,
  );
}

/** The reason one redirect URI is refused (quoted in error_description), or undefined when it is acceptable. */
export function redirectUriProblem(value: unknown, policy: RegistrationPolicy): string | undefined {
  if (typeof value !== 'string' || value === '') return 'each redirect URI must be a non-empty string';
  if (value.length > MAX_LENGTH) return 'a redirect URI is too long';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'a redirect URI is not an absolute URI';
  }
  // RFC 6749 §3.1.2: no fragment.
  if (value.includes('#')) return 'a redirect URI must not contain a fragment (RFC 6749 §3.1.2)';
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `the ${url.protocol.slice(0, -1)} scheme is never allowed`;
  if (url.protocol === 'https:') {
    if (url.username !== '' || url.password !== '') return 'a redirect URI must not carry user information';
    if (!hostAllowed(url.hostname, policy.redirect_uri_hosts))
      return 'the redirect URI host is not one this server accepts registrations for';
    return undefined;
  }
  if (url.protocol === 'http:') {
    // RFC 8252 §7.3: plain http only for loopback redirects of native apps.
    return isLoopbackHost(url.hostname)
      ? undefined
      : 'http redirect URIs are only allowed on loopback (RFC 8252 §7.3)';
  }
  // RFC 8252 §7.1: a private-use scheme is a reverse domain name the app owns.
  if (!policy.allow_custom_schemes) return 'only https (and http on loopback) redirect URIs are accepted';
  if (!url.protocol.slice(0, -1).includes('.'))
    return 'a private-use scheme must be a reverse domain name such as com.example.app (RFC 8252 §7.1)';
  return undefined;
}

/** The list's problem, or undefined; `required` when the client uses the authorization code grant. */
export function redirectUrisProblem(
  value: unknown,
  policy: RegistrationPolicy,
  required: boolean,
): string | undefined {
  if (value === undefined)
    return required ? 'redirect_uris is required for the authorization_code grant' : undefined;
  if (!Array.isArray(value)) return 'redirect_uris must be an array of URIs';
  if (required && value.length === 0) return 'redirect_uris is required for the authorization_code grant';
  if (value.length > MAX_URIS) return `at most ${MAX_URIS} redirect URIs`;
  for (const uri of value) {
    const problem = redirectUriProblem(uri, policy);
    if (problem) return problem;
  }
  return undefined;
}
