// Starting a login through an upstream provider: a login row bound to this browser, then the authorization
// request with state, nonce and PKCE (RFC 7636 S256) that the callback will expect.
import type * as client from 'openid-client';
import { sha256 } from '../../../shared/crypto.ts';
import type { AuthnDeps } from '../../deps.ts';
import type { Attempt } from '../types.ts';
import { derived, LOGIN_LIFETIME } from './login-state.ts';
import type { StartOutcome } from './outcomes.ts';
import { failureDetail, type OidcAuthenticator, openidClient, upstreamFailure } from './providers.ts';

export interface StartInput {
  /** Where the browser goes once signed in (already checked by the route: a Tessera path or ''). */
  returnTo: string;
  policy: string;
  /** The callback URL registered upstream (redirect-uri.ts). */
  redirectUri: string;
  /** OIDC Core §3.1.2.1 login_hint from the client, passed on when it is plain text. */
  loginHint?: string | undefined;
  /** OIDC Core §3.1.2.1 prompt passed on: this login must be fresh (login) or may be another account. */
  prompt?: 'login' | 'select_account' | undefined;
}

export async function startUpstreamLogin(
  a: OidcAuthenticator,
  input: StartInput,
  attempt: Pick<Attempt, 'log'>,
  deps: AuthnDeps,
): Promise<StartOutcome> {
  const where = { returnTo: input.returnTo, policy: input.policy };
  let configuration: client.Configuration;
  try {
    configuration = await deps.upstreamProviders.configuration(a, deps.secretBox);
    // openid-client builds no authorization request without the endpoint: the document is unusable.
    if (!configuration.serverMetadata().authorization_endpoint) throw new Error('no authorization_endpoint');
  } catch (error) {
    const reason = upstreamFailure(error);
    attempt.log.warn(
      { event: 'upstream_login_failed', authenticator: a.id, reason, ...failureDetail(error) },
      'upstream login could not start',
    );
    return { kind: 'failed', reason, ...where };
  }
  const handle = deps.random.token(32);
  const { state, nonce, codeVerifier } = derived(handle);
  const now = deps.clock.nowSeconds();
  await deps.upstream.saveLogin(
    {
      handleHash: sha256(handle),
      authenticator: a.id,
      ...where,
      expiresAt: now + LOGIN_LIFETIME,
      pending: null,
    },
    now,
  );
  const hint = input.loginHint?.trim() ?? '';
  const location = (await openidClient()).buildAuthorizationUrl(configuration, {
    response_type: 'code',
    redirect_uri: input.redirectUri,
    scope: [...new Set(['openid', ...a.scopes])].join(' '),
    state,
    nonce,
    code_challenge: await (await openidClient()).calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...(hint !== '' && /^[\x20-\x7e]{1,200}$/.test(hint) ? { login_hint: hint } : {}),
    ...(input.prompt ? { prompt: input.prompt } : {}),
  });
  attempt.log.info({ event: 'upstream_login_started', authenticator: a.id }, 'upstream login started');
  return { kind: 'redirect', location: location.href, handle };
}
