// The client identifier URL of a Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document §3).

const MAX_LENGTH = 2_000;

/** Why this client_id cannot name a metadata document, in words for the error page; undefined when it can. */
export function clientIdUrlProblem(clientId: string): string | undefined {
  if (clientId.length > MAX_LENGTH) return 'the client_id URL is too long';
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return 'the client_id is not a URL';
  }
  // §3: https, a path, no fragment, no user information, no dot segments; a query is refused too (SHOULD NOT).
  if (url.protocol !== 'https:') return 'the client_id URL must use https';
  if (clientId.includes('#')) return 'the client_id URL must not contain a fragment';
  if (clientId.includes('?')) return 'the client_id URL must not contain a query';
  if (url.username !== '' || url.password !== '')
    return 'the client_id URL must not contain a user name or password';
  const path = clientId.slice(clientId.indexOf('/', 'https://'.length));
  if (!clientId.slice('https://'.length).includes('/') || path === '/')
    return 'the client_id URL must contain a path';
  if (path.split('/').some((s) => s === '.' || s === '..' || /^(%2e|\.){1,2}$/i.test(s)))
    return 'the client_id URL must not contain dot segments';
  // One document, one spelling: a URL the parser would rewrite (case, default port, escapes) is refused.
  if (url.href !== clientId) return 'the client_id URL is not in its normal form';
  return undefined;
}

/** A host name against `example.com` or `*.example.com` (any subdomain, not the name itself). */
export function hostMatches(host: string, pattern: string): boolean {
  return pattern.startsWith('*.')
    ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
    : host === pattern;
}
