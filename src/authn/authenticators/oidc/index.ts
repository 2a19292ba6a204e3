// Login through another OpenID Provider: a first factor whose login page is the upstream's. Its login GET sends
// the browser there (start.ts); the callback, the choice for an identity not linked yet and the account page's
// links are its own routes (http/routes/authn-oidc.ts) over callback.ts, choice.ts and identities.ts.
import { acrFor } from '../../../config/acr.ts';
import { oidcAuthenticatorSchema } from '../../../config/schema.ts';
import type { AuthenticatorType } from '../types.ts';
import { LOGIN_LIFETIME, UPSTREAM_COOKIE } from './login-state.ts';
import { upstreamRedirectUri } from './redirect-uri.ts';
import { startUpstreamLogin } from './start.ts';

export const oidc = {
  type: 'oidc',
  role: 'first',
  configSchema: oidcAuthenticatorSchema,
  // Tessera's own acr; a trusted upstream's acr replaces it on the session (claims.ts upstreamAuthentication).
  acr: acrFor,
  // RFC 8176 has no value for "signed in elsewhere": none of Tessera's own; a trusted upstream's are carried.
  amr: [],
  // Never shown: the redirect below replaces the login page.
  pages: { login: { view: 'login', title: 'Log in', fields: [] } },
  // OIDC Core §3.1.2.1 login_hint is passed upstream by start.ts.
  prefill: () => ({}),
  login: async () => ({ kind: 'rejected', error: 'Use the button to sign in.', values: {} }),
  registrationOpen: () => false,
  redirect: {
    cookie: UPSTREAM_COOKIE,
    cookieLifetime: LOGIN_LIFETIME,
    callbackUri: upstreamRedirectUri,
    start: (a, input, attempt, deps) =>
      a.type === 'oidc'
        ? startUpstreamLogin(a, input, attempt, deps)
        : Promise.resolve({ kind: 'failed', reason: 'misconfigured' }),
  },
} as const satisfies AuthenticatorType;
