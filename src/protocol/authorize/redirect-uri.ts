// redirect_uri: exact string match against the registered URIs (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3).
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** RFC 8252 §7.3: a native app's loopback redirect URI matches with any port, everything else exact. */
export function loopbackMatch(registered: readonly string[], sent: string): boolean {
  let url: URL;
  try {
    url = new URL(sent);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) return false;
  url.port = '';
  return registered.some((r) => {
    const candidate = new URL(r);
    if (candidate.protocol !== 'http:' || !LOOPBACK.has(candidate.hostname)) return false;
    candidate.port = '';
    return candidate.href === url.href;
  });
}

export const redirectUriCheck = {
  name: 'redirect_uri',
  section: 'RFC 6749 §3.1.2.3, RFC 9700 §4.1.3',
  redirectable: false,
  run(ctx) {
    const client = ctx.request.client!;
    if (ctx.repeated.includes('redirect_uri'))
      return new OAuthError('invalid_request', 'redirect_uri must not be repeated');
    const sent = ctx.params.redirect_uri;
    if (sent === undefined) {
      // §3.1.2.3: with several registered URIs the request must say which one.
      if (client.redirect_uris.length !== 1) {
        return new OAuthError(
          'invalid_request',
          'redirect_uri is required: the client has several registered',
        );
      }
      ctx.request.redirectUri = client.redirect_uris[0]!;
      ctx.request.redirectUriSent = false;
      return undefined;
    }
    if (
      !client.redirect_uris.includes(sent) &&
      !(client.public && loopbackMatch(client.redirect_uris, sent))
    ) {
      return new OAuthError('invalid_request', 'redirect_uri is not registered for this client', {
        detail: `redirect_uri=${sent}`,
      });
    }
    ctx.request.redirectUri = sent;
    ctx.request.redirectUriSent = true;
    return undefined;
  },
} satisfies AuthorizeCheck;
