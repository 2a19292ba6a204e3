// Upstream OpenID Provider checks at commit (and at load for the file's entries): the issuer, the client's
// credentials, and which local profile claims the provider may fill.
import { isLoopbackHost, type Snapshot, STANDARD_SCOPES } from './schema.ts';

interface Issue {
  path: string;
  message: string;
}

/** Claims no mapping may set: the account's key and the flags only Tessera's own checks may raise. */
const NEVER_MAPPED: Readonly<Record<string, string>> = {
  sub: 'the account is linked by the provider\'s issuer and "sub", which is never copied into a profile',
  email_verified: 'whether an email address is verified is never copied from a provider by a mapping',
  phone_number_verified: 'whether a phone number is verified is never copied from a provider by a mapping',
  updated_at: 'Tessera sets updated_at itself when a profile changes',
  preferred_username:
    "the username of an account made for a provider's user is taken from its preferred_username once, when the account is made, and no mapping changes it",
};

/** The profile claims an account keeps and releases (OIDC Core §5.4 scopes), less the ones never mapped. */
export const MAPPABLE_CLAIMS: readonly string[] = [
  ...new Set(Object.values(STANDARD_SCOPES).flat() as string[]),
].filter((c) => !Object.hasOwn(NEVER_MAPPED, c));

/** RFC 6749 Appendix A.1/A.2: client_id and client_secret are VSCHAR (printable ASCII, space included). */
const VSCHAR = /^[\x20-\x7e]+$/;
/** A claim name at the provider: printable ASCII without spaces (a URI works, as some providers name claims). */
const CLAIM_NAME = /^[\x21-\x7e]{1,200}$/;

/** OIDC Discovery §2 / OIDC Core §2: an issuer is an https URL with no query or fragment. */
export function issuerProblem(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be a URL such as https://accounts.example.com';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return 'must use https (http only for a provider on this machine, in development)';
  }
  if (issuer.includes('?') || issuer.includes('#')) return 'must not have a query (?) or a fragment (#)';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  return undefined;
}

export function oidcIssues(snapshot: Snapshot, at: (...path: PropertyKey[]) => string): Issue[] {
  const issues: Issue[] = [];
  snapshot.authenticators.forEach((a, i) => {
    if (a.type !== 'oidc') return;
    const problem = issuerProblem(a.issuer);
    if (problem) issues.push({ path: at('authenticators', i, 'issuer'), message: problem });
    if (!VSCHAR.test(a.client_id))
      issues.push({
        path: at('authenticators', i, 'client_id'),
        message: 'use printable characters only (RFC 6749 Appendix A.1)',
      });
    const hasSecret = a.client_secret !== undefined || a.client_secret_sealed !== undefined;
    if (a.token_endpoint_auth_method === 'none') {
      if (hasSecret)
        issues.push({
          path: at('authenticators', i, 'client_secret'),
          message: 'with client authentication "none" the provider gets no secret: remove it',
        });
    } else if (!hasSecret) {
      issues.push({
        path: at('authenticators', i, 'client_secret'),
        message: 'the client secret the provider issued is required (or choose client authentication "none")',
      });
    } else if (a.client_secret !== undefined && !VSCHAR.test(a.client_secret)) {
      issues.push({
        path: at('authenticators', i, 'client_secret'),
        message: 'use printable characters only (RFC 6749 Appendix A.2)',
      });
    }
    const mappings = Object.entries(a.claims);
    if (mappings.length > MAPPABLE_CLAIMS.length) {
      issues.push({
        path: at('authenticators', i, 'claims'),
        message: `at most ${MAPPABLE_CLAIMS.length} mappings: one for each profile claim Tessera keeps`,
      });
      return;
    }
    for (const [local, upstream] of mappings) {
      const path = at('authenticators', i, 'claims', local);
      const never = Object.hasOwn(NEVER_MAPPED, local) ? NEVER_MAPPED[local] : undefined;
      if (never !== undefined) issues.push({ path, message: never });
      else if (!MAPPABLE_CLAIMS.includes(local))
        issues.push({
          path,
          message: `"${local.slice(0, 60)}" is not a profile claim Tessera keeps: use one of ${MAPPABLE_CLAIMS.join(', ')}`,
        });
      else if (!CLAIM_NAME.test(upstream))
        issues.push({
          path,
          message: "name the provider's claim: printable characters without spaces, at most 200",
        });
    }
  });
  return issues;
}
