// Authorization endpoint (RFC 6749 §4.1.1-4.1.2, OIDC Core §3.1.2): validate, authenticate, issue a code.
import type { Session } from '../../store/ports/index.ts';
import { validateAuthorizationRequest } from '../authorize/pipeline.ts';
import type { AuthorizationRequest } from '../authorize/request.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError } from '../errors.ts';
import type { RawParams } from '../params/parse.ts';
import { hashToken, mint } from '../tokens/opaque.ts';

export type AuthorizeOutcome =
  /** The client or redirect URI cannot be trusted: show the error to the user, never redirect. */
  | { kind: 'error_page'; error: OAuthError }
  /** The authorization response, success or error, for the client's redirect URI. */
  | { kind: 'redirect'; location: string; error?: OAuthError }
  /** Not authenticated: send the user to the Authentication Service. */
  | { kind: 'login'; location: string };

export interface AuthorizeInput {
  params: RawParams;
  /** Value of the SSO session cookie, when the browser sent one. */
  sessionToken: string | undefined;
  /** Where this endpoint is served, so the login page can send the user back to it. */
  endpointPath: string;
}

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
  const validation = validateAuthorizationRequest(input.params, deps.config());
  if (!validation.ok) {
    if (!validation.redirect) return { kind: 'error_page', error: validation.error };
    return errorRedirect(validation.redirect.uri, validation.error, validation.redirect.state, deps);
  }
  const { request } = validation;
  const session = await findSession(input.sessionToken, request, deps);
  if (!session || request.prompt.has('login')) {
    if (request.prompt.has('none')) {
      return errorRedirect(
        request.redirectUri,
        new OAuthError('login_required', 'the user is not logged in'),
        request.state,
        deps,
      );
    }
    return { kind: 'login', location: deps.loginUrl(request.client.authenticator, returnPath(input)) };
  }
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
    authTime: session.authTime,
    acr: session.acr,
    expiresAt: deps.clock.nowSeconds() + deps.codeLifetime,
  });
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
      error_description: error.description,
      state,
      iss: deps.issuer,
    }),
  };
}

/** An SSO session counts only when it was made by the authenticator this client requires. */
async function findSession(
  token: string | undefined,
  request: AuthorizationRequest,
  deps: ProtocolDeps,
): Promise<Session | undefined> {
  if (token === undefined || token.length > 100) return undefined;
  const session = await deps.sessions.find(hashToken(token), deps.clock.nowSeconds());
  return session?.authenticator === request.client.authenticator ? session : undefined;
}

/** The request to replay after login; prompt=login is dropped so the fresh login satisfies it. */
function returnPath(input: AuthorizeInput): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(input.params)) {
    if (typeof value !== 'string') continue;
    if (name === 'prompt') {
      const rest = value.split(' ').filter((v) => v !== 'login' && v !== '');
      if (rest.length > 0) query.append(name, rest.join(' '));
      continue;
    }
    query.append(name, value);
  }
  return `${input.endpointPath}?${query}`;
}
