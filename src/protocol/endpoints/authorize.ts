// Authorization endpoint (RFC 6749 §4.1.1-4.1.2, OIDC Core §3.1.2): validate, authenticate, consent, issue a code.
import { issuedAcr, satisfaction } from '../../config/policies.ts';
import { StoreUnavailableError } from '../../store/ports/errors.ts';
import type { Session } from '../../store/ports/index.ts';
import type { AuthorizationRequest } from '../authorize/request.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError, safeErrorText } from '../errors.ts';
import { sessionBinding } from '../grants/session-binding.ts';
import type { RawParams } from '../params/parse.ts';
import { continuationPath } from '../requests/continuation.ts';
import { type ReadRequest, readAuthorizationRequest } from '../requests/read.ts';
import { mint } from '../tokens/opaque.ts';
import { type Tracer, traceCheck } from '../trace.ts';

export type AuthorizeOutcome =
  /** The client or redirect URI cannot be trusted: show the error to the user, never redirect. */
  | { kind: 'error_page'; error: OAuthError }
  /** The authorization response, success or error, for the client's redirect URI. */
  | { kind: 'redirect'; location: string; error?: OAuthError }
  /** Not authenticated (or not recently enough): send the user to the Authentication Service. */
  | { kind: 'login'; location: string }
  /** The user must approve the client's access first. */
  | { kind: 'consent'; location: string };

export interface AuthorizeInput {
  params: RawParams;
  /** Value of the SSO session cookie, when the browser sent one. */
  sessionToken: string | undefined;
  /** Where this endpoint is served, so the login page can send the user back to it. */
  endpointPath: string;
  /** Receives each check as it runs (the admin's request traces); absent, nothing is recorded. */
  trace?: Tracer | undefined;
}

/** Set by the consent page on the replayed request when the user said no. */
export const CONSENT_DENIED_PARAM = 'tessera_consent';

/** Builds the redirect to the client with response parameters added to its query (RFC 6749 §4.1.2). */
export function redirectTo(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

export async function authorizeEndpoint(
  input: AuthorizeInput,
  deps: ProtocolDeps,
): Promise<AuthorizeOutcome> {
  // RFC 9101 §6.3, RFC 9126 §4: a request object or pushed request replaces the query.
  const validation = await readAuthorizationRequest(input.params, deps, input.trace);
  if (!validation.ok) {
    if (!validation.redirect) return { kind: 'error_page', error: validation.error };
    return errorRedirect(validation.redirect.uri, validation.error, validation.redirect.state, deps);
  }
  const { request } = validation;
  try {
    return await authorizeValid(input, validation, deps);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    // RFC 6749 §4.1.2.1: the client and redirect URI are valid, so the outage is reported to the client.
    const unavailable = new OAuthError(
      'temporarily_unavailable',
      'the server is temporarily unavailable; try again',
      {
        detail: error.message,
      },
    );
    return errorRedirect(request.redirectUri, unavailable, request.state, deps);
  }
}

async function authorizeValid(
  input: AuthorizeInput,
  read: Extract<ReadRequest, { ok: true }>,
  deps: ProtocolDeps,
): Promise<AuthorizeOutcome> {
  const { request } = read;
  const trace = input.trace;
  const fail = (code: OAuthError['code'], description: string, name: string, section: string) => {
    const error = new OAuthError(code, description);
    traceCheck(trace, 'authorize', name, section, error);
    return errorRedirect(request.redirectUri, error, request.state, deps);
  };
  if (input.params[CONSENT_DENIED_PARAM] === 'denied')
    return fail('access_denied', 'the user denied the request', 'consent', 'RFC 6749 §4.1.2.1');

  let hintedSub: string | undefined;
  if (request.idTokenHint !== undefined) {
    hintedSub = (await deps.verifyIdTokenHint(request.idTokenHint))?.sub;
    if (hintedSub === undefined)
      return fail(
        'invalid_request',
        'id_token_hint is not an ID token issued by this server',
        'id_token_hint',
        'OIDC Core §3.1.2.1',
      );
  }

  const now = deps.clock.nowSeconds();
  // The session counts when the policy's first step accepts its sign-in (OIDC Core §3.1.2.3).
  const { policy } = request;
  const found = await deps.findSession(input.sessionToken);
  const met = found ? satisfaction(policy, found.factors) : ({ kind: 'login' } as const);
  const session = met.kind === 'login' ? undefined : found;
  const tooOld =
    session !== undefined && request.maxAge !== undefined && session.authTime + request.maxAge < now;
  const otherUser = session !== undefined && hintedSub !== undefined && session.accountId !== hintedSub;
  const forceLogin = request.prompt.has('login') || request.prompt.has('select_account');
  if (!session || tooOld || otherUser || forceLogin) {
    if (request.prompt.has('none')) {
      return fail(
        'login_required',
        session ? 'the user must log in again' : 'the user is not logged in',
        'session',
        'OIDC Core §3.1.2.1 (prompt=none)',
      );
    }
    const why = !session
      ? 'no SSO session'
      : tooOld
        ? 'max_age passed'
        : otherUser
          ? 'id_token_hint names another user'
          : 'prompt asks for a login';
    traceCheck(
      trace,
      'authorize',
      'session',
      'OIDC Core §3.1.2.3',
      undefined,
      `${why}: sent to the login page`,
    );
    const replay = await returnPath(input, read, ['login', 'select_account'], true, deps);
    // What a login at another OpenID Provider must ask of it: a fresh login when this one must be fresh
    // (prompt=login, max_age passed), a choice of account when another user is meant; nothing otherwise, so
    // the provider's own session signs a person in as usual.
    const prompt =
      request.prompt.has('login') || tooOld
        ? ('login' as const)
        : request.prompt.has('select_account') || otherUser
          ? ('select_account' as const)
          : undefined;
    // A client without policies keeps the seed's login URL; a policy starts at its first step.
    return {
      kind: 'login',
      location: policy.implicit
        ? deps.loginUrl(request.client.authenticator, replay, request.loginHint, prompt)
        : deps.continueUrl(policy.id, replay, { fresh: true, loginHint: request.loginHint, prompt }),
    };
  }
  if (met.kind === 'partial') {
    // Step-up: signed in, but the policy needs a further factor; only the missing step is asked for.
    if (request.prompt.has('none'))
      return fail(
        'login_required',
        'a further authentication step is needed',
        'session',
        'OIDC Core §3.1.2.1 (prompt=none)',
      );
    traceCheck(
      trace,
      'authorize',
      'session',
      'OIDC Core §3.1.2.3',
      undefined,
      `policy ${policy.id} needs step ${met.step + 1} of ${policy.steps.length}: sent to that step`,
    );
    const replay = await returnPath(input, read, [], false, deps);
    return { kind: 'login', location: deps.continueUrl(policy.id, replay, {}) };
  }

  // prompt=consent asks for the consent page whatever the client's setting (OIDC Core §3.1.2.1).
  const needsConsent =
    request.prompt.has('consent') ||
    (request.client.consentRequired && !(await hasConsent(session, request, deps)));
  if (needsConsent) {
    if (request.prompt.has('none'))
      return fail(
        'consent_required',
        'the user has not approved this client',
        'consent',
        'OIDC Core §3.1.2.4',
      );
    traceCheck(trace, 'authorize', 'consent', 'OIDC Core §3.1.2.4', undefined, 'sent to the consent page');
    const replay = await returnPath(input, read, ['consent'], false, deps);
    return { kind: 'consent', location: deps.consentUrl(replay) };
  }

  traceCheck(
    trace,
    'authorize',
    'session',
    'OIDC Core §3.1.2.3',
    undefined,
    'logged in; consent not needed or given',
  );
  const code = mint(deps.random);
  await deps.grants.saveCode({
    hash: code.hash,
    grantId: deps.random.uuid(),
    clientId: request.client.client_id,
    accountId: session.accountId,
    redirectUri: request.redirectUriSent ? request.redirectUri : null,
    scope: request.scope.join(' '),
    nonce: request.nonce ?? null,
    codeChallenge: request.codeChallenge ?? null,
    codeChallengeMethod: request.codeChallengeMethod ?? null,
    authTime: session.authTime,
    acr: issuedAcr(policy, session, deps.config().authenticators),
    amr: met.kind === 'complete' ? met.amr.join(' ') : '',
    // FAPI 2.0 §5.3.2.1 holds a profiled client's codes to 60 s, whatever the server's setting.
    expiresAt: now + Math.min(deps.codeLifetime, request.client.codeLifetime ?? deps.codeLifetime),
    claims: request.claims ?? null,
    sessionHash: sessionBinding(request.scope, session),
    resource: request.resources.length > 0 ? request.resources.join(' ') : null,
    jkt: request.dpopJkt ?? null,
  });
  traceCheck(trace, 'result', 'code issued', 'RFC 6749 §4.1.2', undefined, `to ${request.redirectUri}`);
  // RFC 9207: iss lets the client detect mix-up attacks.
  return {
    kind: 'redirect',
    location: redirectTo(request.redirectUri, { code: code.value, state: request.state, iss: deps.issuer }),
  };
}

function errorRedirect(
  uri: string,
  error: OAuthError,
  state: string | undefined,
  deps: ProtocolDeps,
): AuthorizeOutcome {
  return {
    kind: 'redirect',
    error,
    location: redirectTo(uri, {
      error: error.code,
      // RFC 6749 §4.1.2.1: the description's charset, again at the edge that writes it.
      error_description: safeErrorText(error.description),
      state,
      iss: deps.issuer,
    }),
  };
}

async function hasConsent(
  session: Session,
  request: AuthorizationRequest,
  deps: ProtocolDeps,
): Promise<boolean> {
  const consent = await deps.consents.find(session.accountId, request.client.client_id);
  if (!consent) return false;
  const granted = new Set(consent.scope.split(' '));
  return request.scope.every((s) => granted.has(s));
}

/**
 * The request to replay once the user has logged in or consented. The prompt values just satisfied
 * are dropped, and after a login so is max_age, so the replay cannot ask for the same step again.
 * A pushed or signed request is pushed again rather than spelled out in the URL (requests/continuation.ts).
 */
async function returnPath(
  input: AuthorizeInput,
  read: Extract<ReadRequest, { ok: true }>,
  satisfied: readonly string[],
  dropMaxAge: boolean,
  deps: ProtocolDeps,
): Promise<string> {
  const replayed: RawParams = {};
  for (const [name, value] of Object.entries(read.params)) {
    if (value === undefined || name === CONSENT_DENIED_PARAM || (dropMaxAge && name === 'max_age')) continue;
    if (name === 'prompt' && typeof value === 'string') {
      const rest = value.split(' ').filter((v) => v !== '' && !satisfied.includes(v));
      if (rest.length > 0) replayed[name] = rest.join(' ');
      continue;
    }
    replayed[name] = value;
  }
  if (read.source !== 'query') {
    const forConsent = satisfied.includes('consent');
    return continuationPath(input.endpointPath, read.request.client.client_id, replayed, deps, forConsent);
  }
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(replayed))
    for (const v of Array.isArray(value) ? value : [value ?? '']) query.append(name, v);
  return `${input.endpointPath}?${query}`;
}
