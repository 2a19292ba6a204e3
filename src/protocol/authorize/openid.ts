// OIDC Core §3.1.2.1: an OpenID request must carry redirect_uri; the seed answers its absence with a bad request.
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

export const openidRedirectUriCheck = {
  name: 'openid redirect_uri',
  section: 'OIDC Core §3.1.2.1',
  // Not redirected: without redirect_uri there is no URI the request itself vouched for.
  redirectable: false,
  run(ctx) {
    const scopes = ctx.params.scope?.split(' ') ?? [];
    if (scopes.includes('openid') && !ctx.request.redirectUriSent) {
      return new OAuthError(
        'invalid_request',
        'redirect_uri is required when scope contains openid (OIDC Core §3.1.2.1)',
      );
    }
    return undefined;
  },
} satisfies AuthorizeCheck;
