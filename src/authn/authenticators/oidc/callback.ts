// The upstream's callback: the browser's login taken once, its state checked, then openid-client's code grant
// (PKCE verifier, nonce, RFC 9207 iss, the ID token's signature, iss, aud and exp) and UserInfo; a known identity
// signs in, an unknown one waits (the pending login) for the person to create an account or link one.
import { safeEqual, sha256 } from '../../../shared/crypto.ts';
import type { AuthnDeps } from '../../deps.ts';
import type { Attempt } from '../types.ts';
import { displayName, mapClaims, suggestedUsername, upstreamAuthentication } from './claims.ts';
import { derived, handleHash, PENDING_LIFETIME } from './login-state.ts';
import type { FinishOutcome, UpstreamFailure } from './outcomes.ts';
import { failureDetail, type OidcAuthenticator, openidClient, upstreamFailure } from './providers.ts';
import { signInLinked } from './sign-in.ts';

export interface CallbackInput {
  /** The browser's binding cookie (login-state.ts), if it sent one. */
  handle: string | undefined;
  /** The callback's query string as received, without the leading '?'. */
  query: string;
  /** The callback URL registered upstream (redirect-uri.ts): the redirect_uri of the code grant. */
  redirectUri: string;
}

/** OIDC Core §2: sub is at most 255 ASCII characters; anything else is not an identifier to link by. */
const SUBJECT = /^[\x20-\x7e]{1,255}$/;

type Claims = Record<string, unknown>;

export async function finishUpstreamCallback(
  a: OidcAuthenticator,
  input: CallbackInput,
  attempt: Attempt,
  deps: AuthnDeps,
): Promise<FinishOutcome> {
  const failed = (reason: UpstreamFailure, where: object = {}, detail: object = {}): FinishOutcome => {
    attempt.log.warn(
      { event: 'upstream_login_failed', authenticator: a.id, reason, ...detail },
      'upstream login failed',
    );
    return { kind: 'failed', reason, ...where };
  };
  const hash = handleHash(input.handle);
  if (hash === undefined) return failed('no_login');
  const expected = derived(input.handle!);
  const params = new URLSearchParams(input.query);
  const states = params.getAll('state');
  // RFC 6749 §10.12: the state ties the answer to this browser's login. Someone else's callback (login CSRF),
  // or one of an older login in another tab, is refused before the login this browser is waiting for is touched.
  if (states.length !== 1 || !safeEqual(states[0]!, expected.state)) return failed('state_mismatch');
  const now = deps.clock.nowSeconds();
  // Taken once: a second callback with the same cookie and state (a replay) finds nothing.
  const login = await deps.upstream.takeLogin(hash, now);
  if (!login || login.authenticator !== a.id) return failed('unknown_login');
  const where = { returnTo: login.returnTo, policy: login.policy };
  if (params.has('error')) {
    // RFC 6749 §4.1.2.1: the person cancelled or the upstream refused; its code is logged, never shown.
    const error = (params.get('error') ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 64);
    return failed('refused', where, { upstream_error: error });
  }

  let idToken: Claims;
  let profile: Claims;
  try {
    const configuration = await deps.upstreamProviders.configuration(a, deps.secretBox);
    const current = new URL(input.redirectUri);
    current.search = params.toString();
    const tokens = await (await openidClient()).authorizationCodeGrant(configuration, current, {
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      pkceCodeVerifier: expected.codeVerifier,
      idTokenExpected: true,
    });
    idToken = { ...(tokens.claims() ?? {}) };
    if (typeof idToken['sub'] !== 'string' || !SUBJECT.test(idToken['sub']))
      throw new Error('the ID token has no usable sub');
    // OIDC Core §5.3: profile claims often come only from UserInfo; its sub must be the ID token's (§5.3.2).
    const userinfo =
      configuration.serverMetadata().userinfo_endpoint && tokens.access_token
        ? await (await openidClient()).fetchUserInfo(configuration, tokens.access_token, idToken['sub'])
        : {};
    profile = { ...idToken, ...userinfo };
  } catch (error) {
    return failed(upstreamFailure(error), where, failureDetail(error));
  }

  const upstream = {
    // openid-client compared iss with the discovered issuer: this is the issuer identifier itself.
    issuer: idToken['iss'] as string,
    subject: idToken['sub'] as string,
    claims: mapClaims(profile, a.claims),
    ...upstreamAuthentication(a.trust_upstream_authentication, idToken),
  };
  const identity = await deps.upstream.findIdentity(upstream.issuer, upstream.subject);
  if (identity) return signInLinked(identity, a, upstream, where, attempt, deps);
  // Never linked or signed in by email alone: the person creates an account or proves an existing one.
  await deps.upstream.saveLogin(
    {
      handleHash: sha256(input.handle!),
      authenticator: a.id,
      ...where,
      expiresAt: now + PENDING_LIFETIME,
      pending: { ...upstream, username: suggestedUsername(profile), display: displayName(profile) },
    },
    now,
  );
  attempt.log.info(
    { event: 'upstream_identity_new', authenticator: a.id },
    'upstream identity not linked yet',
  );
  return { kind: 'choose' };
}
