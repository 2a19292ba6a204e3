// The client-authentication registry: adding a token_endpoint_auth_method is one file and one line here.
import type { Client } from '../../config/live.ts';
import { safeEqual } from '../../shared/crypto.ts';
import type { ProtocolDeps } from '../deps.ts';
import { OAuthError, type OAuthErrorHint } from '../errors.ts';
import { type Tracer, traceCheck } from '../trace.ts';
import { clientSecretBasic } from './client_secret_basic.ts';
import { clientSecretJwt } from './client_secret_jwt.ts';
import { clientSecretPost } from './client_secret_post.ts';
import type { ClientAuthMethod, ClientAuthRequest, Presented } from './method.ts';
import { none } from './none.ts';
import { privateKeyJwt } from './private_key_jwt.ts';

export type { ClientAuthRequest } from './method.ts';

/** In the order discovery lists them; `none` last, as it applies only when no other was used. */
const METHODS: readonly ClientAuthMethod[] = [
  clientSecretBasic,
  clientSecretPost,
  clientSecretJwt,
  privateKeyJwt,
  none,
];

const ASSERTION_METHODS: readonly ClientAuthMethod[] = [clientSecretJwt, privateKeyJwt];

export const TOKEN_ENDPOINT_AUTH_METHODS: readonly string[] = METHODS.map((m) => m.name);

/** The body parameters some method reads: every endpoint that authenticates clients allows them. */
export const CLIENT_AUTH_PARAMS: readonly string[] = [...new Set(METHODS.flatMap((m) => m.parameters))];

/**
 * The methods a client is registered with. A client registered for a secret method accepts both
 * secret methods, whichever its config names: the seed sends the secret either way. A client
 * registered for a JWT method accepts that method only: its secret (client_secret_jwt) is an HMAC
 * key, not a password, and a private_key_jwt client has none.
 */
function registeredMethods(client: Client): readonly string[] {
  if (client.public) return [none.name];
  if (client.authMethod === clientSecretJwt.name || client.authMethod === privateKeyJwt.name) {
    return [client.authMethod];
  }
  return [clientSecretBasic.name, clientSecretPost.name];
}

const NAMED_ONLY = 'client authentication is required: send client_secret or use HTTP Basic';

/** Why a client may not use a method it is not registered with. */
function notRegistered(method: ClientAuthMethod, client: Client | undefined): string {
  if (method === none) return NAMED_ONLY;
  if (client?.public) {
    return ASSERTION_METHODS.includes(method)
      ? `a public client must not authenticate with ${method.name}`
      : 'a public client must not authenticate with a secret';
  }
  return `this client is not registered for ${method.name}${client ? ` (it uses ${client.authMethod})` : ''}`;
}

interface Presentation {
  method: ClientAuthMethod;
  presented: Presented;
}

const samePresented = (a: Presented, b: Presented) =>
  safeEqual(a.clientId, b.clientId) && safeEqual(a.proof, b.proof);

/** The section each method's rules come from, for request traces. */
const SECTIONS: Readonly<Record<string, string>> = {
  client_secret_basic: 'RFC 6749 §2.3.1',
  client_secret_post: 'RFC 6749 §2.3.1',
  client_secret_jwt: 'RFC 7523 §2.2, OIDC Core §9',
  private_key_jwt: 'RFC 7523 §2.2, OIDC Core §9',
  none: 'RFC 6749 §2.1',
};

export async function authenticateClient(
  request: ClientAuthRequest,
  deps: ProtocolDeps,
  trace?: Tracer,
): Promise<Client | OAuthError> {
  const used: Presentation[] = [];
  const result = await authenticate(request, deps, used);
  if (trace) {
    const name = used.map((u) => u.method.name).join(' + ') || 'no credentials';
    const section = SECTIONS[used[0]?.method.name ?? ''] ?? 'RFC 6749 §2.3';
    const error = result instanceof OAuthError ? result : undefined;
    traceCheck(
      trace,
      'client_auth',
      name,
      section,
      error,
      error ? undefined : `client ${(result as Client).client_id}`,
    );
  }
  return result;
}

async function authenticate(
  request: ClientAuthRequest,
  deps: ProtocolDeps,
  used: Presentation[],
): Promise<Client | OAuthError> {
  for (const method of METHODS) {
    if (method === none) continue;
    const presented = method.present(request);
    if (presented instanceof OAuthError) return presented;
    if (presented) used.push({ method, presented });
  }
  const hint: OAuthErrorHint | undefined = used.find((u) => u.method.hint)?.method.hint;
  const fail = (description: string) => new OAuthError('invalid_client', description, hint ? { hint } : {});

  if (used.length === 0) {
    const named = none.present(request);
    if (!named) return fail('client authentication is required');
    used.push({ method: none, presented: named });
  }
  const [first, ...others] = used as [Presentation, ...Presentation[]];
  // RFC 6749 §2.3: one method per request; only the two secret forms may both be sent (the seed's habit).
  if (others.length > 0 && used.some((u) => ASSERTION_METHODS.includes(u.method))) {
    return fail('use one client authentication method: a client_assertion or a client secret, not both');
  }
  // The seed: credentials sent in both places must match, or the call is rejected.
  if (others.some((other) => !samePresented(other.presented, first.presented))) {
    return fail('client credentials in the Authorization header and the body do not match');
  }
  const clientId = request.params['client_id'];
  if (clientId !== undefined && clientId !== first.presented.clientId) {
    return fail('client_id in the body does not match the authenticated client');
  }
  const client = await deps.clients.find(first.presented.clientId);
  const registered = client ? registeredMethods(client) : [];
  for (const { method } of used) {
    // An unknown client still goes on to verify, to cost what a known one costs; none proves nothing.
    if ((client || method === none) && !registered.includes(method.name)) {
      return fail(notRegistered(method, client));
    }
  }
  const refusal = await first.method.verify(first.presented, client, deps);
  if (refusal !== undefined || !client) return fail(refusal ?? 'client authentication failed');
  return client;
}
