// Each oidc authenticator's upstream provider as openid-client sees it: discovered through the guarded fetch
// main.ts passes in, kept per authenticator until its config changes or an hour passes; a failure is never kept.
import type * as client from 'openid-client';
import type { AuthenticatorConfig } from '../../../config/schema.ts';
import type { Clock } from '../../../shared/clock.ts';
import { sha256 } from '../../../shared/crypto.ts';
import type { SecretBox } from '../../deps.ts';

/**
 * openid-client is loaded with the first login through a provider, not at start: a server without one never
 * compiles it (start-up compiles everything it imports; issue 15: ready in under 1 s).
 */
export const openidClient = () => import('openid-client');

export type OidcAuthenticator = Extract<AuthenticatorConfig, { type: 'oidc' }>;

/** A Fetch-shaped function (openid-client's customFetch) that keeps to the SSRF guard: keys/outbound.ts. */
export type UpstreamFetch = (url: string, init: client.CustomFetchOptions) => Promise<Response>;

/** The upstream could not be reached (refused connection, timeout, a private address): never its answer's fault. */
export class UpstreamUnreachable extends Error {}

/** The authenticator's client secret is neither given nor sealed, or cannot be opened with this master key. */
export class UpstreamMisconfigured extends Error {}

export interface UpstreamProviders {
  /** The upstream's discovered configuration for this authenticator, with Tessera's client credentials. */
  configuration(a: OidcAuthenticator, secrets: SecretBox): Promise<client.Configuration>;
}

/** Seconds a discovery document is used before it is read again (its JWKS is refetched on an unknown kid). */
const DISCOVERY_TTL = 3600;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The secret Tessera authenticates with upstream: plaintext from the config file, else the sealed one opened. */
function clientSecret(a: OidcAuthenticator, secrets: SecretBox): string | undefined {
  if (a.token_endpoint_auth_method === 'none') return undefined;
  if (a.client_secret !== undefined) return a.client_secret;
  if (a.client_secret_sealed === undefined) throw new UpstreamMisconfigured('no client secret');
  try {
    return secrets.open(a.client_secret_sealed);
  } catch {
    throw new UpstreamMisconfigured('the sealed client secret cannot be opened');
  }
}

function clientAuth(
  client: typeof import('openid-client'),
  a: OidcAuthenticator,
  secret: string | undefined,
): client.ClientAuth {
  switch (a.token_endpoint_auth_method) {
    case 'none':
      return client.None();
    case 'client_secret_post':
      return client.ClientSecretPost(secret);
    case 'client_secret_basic':
      return client.ClientSecretBasic(secret);
  }
}

export function createUpstreamProviders(deps: {
  fetch: UpstreamFetch;
  clock: Clock;
  /** Whether http:// is allowed for an issuer on a loopback host: development only (outbound allow_loopback). */
  allowLoopback: boolean;
}): UpstreamProviders {
  // Every failure of the fetch is the network's, never an answer to check: openid-client rethrows it as its cause.
  const fetch: UpstreamFetch = async (url, init) => {
    try {
      return await deps.fetch(url, init);
    } catch (error) {
      throw new UpstreamUnreachable((error as Error).message, { cause: error });
    }
  };
  const cache = new Map<
    string,
    { fingerprint: string; at: number; configuration: Promise<client.Configuration> }
  >();
  return {
    configuration(a, secrets) {
      const secret = clientSecret(a, secrets);
      // A commit that changes anything about the authenticator (its secret included) makes it a new entry.
      const fingerprint = sha256(JSON.stringify([a, secret ?? null]));
      const now = deps.clock.nowSeconds();
      const cached = cache.get(a.id);
      if (cached && cached.fingerprint === fingerprint && now - cached.at < DISCOVERY_TTL)
        return cached.configuration;
      const issuer = new URL(a.issuer);
      const insecure = issuer.protocol === 'http:' && LOOPBACK.test(issuer.hostname) && deps.allowLoopback;
      const configuration = openidClient().then((client) =>
        client.discovery(issuer, a.client_id, undefined, clientAuth(client, a, secret), {
          [client.customFetch]: fetch,
          // ID token signatures are checked even from the token endpoint (OIDC Core §3.1.3.7 lets TLS stand in
          // for them; an http:// upstream in development has no TLS, and a checked signature costs little).
          execute: insecure
            ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
            : [client.enableNonRepudiationChecks],
        }),
      );
      // An upstream that was down is asked again at the next login, not remembered as down.
      configuration.catch(() => {
        if (cache.get(a.id)?.configuration === configuration) cache.delete(a.id);
      });
      cache.set(a.id, { fingerprint, at: now, configuration });
      return configuration;
    },
  };
}

/**
 * Why a call to the upstream failed, from openid-client's error and its causes: the network or a server error
 * (5xx) is `unavailable`, our own settings `misconfigured`, anything else an answer that failed a check.
 */
export function upstreamFailure(error: unknown): 'unavailable' | 'rejected' | 'misconfigured' {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (e instanceof UpstreamMisconfigured) return 'misconfigured';
    if (e instanceof UpstreamUnreachable) return 'unavailable';
    const code = (e as { code?: unknown }).code;
    if (code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT') return 'unavailable';
    if (e instanceof Response && e.status >= 500) return 'unavailable';
    // openid-client's ResponseBodyError, told by its code (the class is not loaded before the first login).
    if (code === 'OAUTH_RESPONSE_BODY_ERROR' && Number((e as { status?: unknown }).status) >= 500)
      return 'unavailable';
    e = (e as { cause?: unknown }).cause;
  }
  return 'rejected';
}

/** What the log may say about a failed call: openid-client's code and message, never a token or a body. */
export function failureDetail(error: unknown): { code?: string; detail: string } {
  const code = (error as { code?: unknown }).code;
  return {
    ...(typeof code === 'string' ? { code: code.slice(0, 64) } : {}),
    detail: String((error as Error)?.message ?? error).slice(0, 200),
  };
}
