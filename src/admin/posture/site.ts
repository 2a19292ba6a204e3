// Which site a host belongs to (its registrable domain, approximated without a public-suffix list), for third-party checks.
import { isLoopbackHost } from '../../config/schema-parts.ts';

/** Second-level labels under a two-letter country code that act as public suffixes (co.uk, com.au, ne.jp…). */
const SHORT_SECOND_LEVEL = /^(co|com|net|org|gov|edu|ac|or|ne|go|gv|ltd|plc|nom)$/;

/**
 * The last two labels of a host, or three under a country code with a short second level (example.co.uk).
 * An approximation of the registrable domain: a public-suffix list would be exact, and is not worth a dependency here.
 */
export function siteOf(host: string): string {
  const bare = host.toLowerCase().replace(/\.$/, '');
  if (/^[\d.]+$/.test(bare) || bare.startsWith('[')) return bare;
  const labels = bare.split('.');
  const tld = labels.at(-1) ?? '';
  const second = labels.at(-2) ?? '';
  const keep = tld.length === 2 && SHORT_SECOND_LEVEL.test(second) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/**
 * The site a redirect URI sends the code to, or null for a loopback one (a native app on the user's machine).
 * A private-use scheme is a reversed domain name (RFC 8252 §7.1): com.example.app belongs to example.com.
 */
export function redirectSite(uri: string): string | null {
  const url = new URL(uri);
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? null : siteOf(url.hostname);
  }
  return siteOf(url.protocol.slice(0, -1).split('.').reverse().join('.'));
}

/** Redirect URIs on another site than the issuer's: the sign of a third-party client. */
export function foreignRedirects(redirectUris: readonly string[], issuer: string): string[] {
  const home = siteOf(new URL(issuer).hostname);
  return redirectUris.filter((uri) => {
    const site = redirectSite(uri);
    return site !== null && site !== home;
  });
}
