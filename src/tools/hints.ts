// How to fix a refused request, by the check that refused it: the one table the explorer and the traces page read.
import type { Client, LiveConfig } from '../config/live.ts';
import type { TraceStep } from '../protocol/trace.ts';

export interface HintContext {
  step: TraceStep;
  /** The request's parameters as the trace kept them (secrets redacted). */
  params: Readonly<Record<string, string>>;
  config: LiveConfig;
}

/** Why a sent redirect URI misses a registered one, when they differ in one recognisable way. */
export function redirectUriDifference(sent: string, registered: string): string | undefined {
  if (`${sent}/` === registered) return `it lacks the trailing slash of the registered ${registered}`;
  if (sent === `${registered}/`) return `it has a trailing slash the registered ${registered} does not`;
  if (sent.toLowerCase() === registered.toLowerCase())
    return `it differs from ${registered} only in letter case`;
  let a: URL;
  let b: URL;
  try {
    a = new URL(sent);
    b = new URL(registered);
  } catch {
    return undefined;
  }
  const same = (keys: readonly (keyof URL)[]) => keys.every((k) => a[k] === b[k]);
  if (a.protocol !== b.protocol && same(['host', 'pathname', 'search']))
    return `it uses ${a.protocol.slice(0, -1)} where ${registered} uses ${b.protocol.slice(0, -1)}`;
  if (a.port !== b.port && same(['protocol', 'hostname', 'pathname', 'search']))
    return `its port (${a.port || 'default'}) differs from ${registered}'s (${b.port || 'default'})`;
  if (a.search !== b.search && same(['protocol', 'host', 'pathname']))
    return `its query differs from ${registered}: the match is exact, query included`;
  if (a.hostname !== b.hostname && same(['protocol', 'port', 'pathname', 'search']))
    return `its host ${a.hostname} differs from ${registered}'s ${b.hostname}`;
  return undefined;
}

function redirectUriHint(client: Client | undefined, sent: string | undefined): string {
  if (!client) return 'Fix client_id first.';
  const list = client.redirect_uris.join(', ') || '(none)';
  if (sent === undefined) return `Send redirect_uri: one of ${list}.`;
  for (const registered of client.redirect_uris) {
    const why = redirectUriDifference(sent, registered);
    if (why)
      return `redirect_uri differs from the registered one: ${why}. Send exactly ${registered}, or register ${sent} on the client's page.`;
  }
  return `The match is exact (RFC 9700 §4.1.3). Registered for ${client.client_id}: ${list}. Send one of them, or add ${sent} to the client's redirect URIs.`;
}

type Hint = (ctx: HintContext, client: Client | undefined) => string | undefined;

/** [stage, check name, description pattern or undefined for any, hint]; the first row that matches is used. */
const HINTS: readonly [string, string, RegExp | undefined, Hint][] = [
  [
    'authorize',
    'client',
    /unknown client_id/,
    (c) =>
      `No client is registered as "${c.params['client_id']}". client_id is case-sensitive; a client added in a draft exists only once the draft is committed.`,
  ],
  ['authorize', 'client', /required/, () => 'Send client_id.'],
  [
    'authorize',
    'client',
    undefined,
    () => 'The client must be allowed the Code Flow (its capabilities on the client page).',
  ],
  ['authorize', 'redirect_uri', undefined, (c, client) => redirectUriHint(client, c.params['redirect_uri'])],
  [
    'authorize',
    'openid redirect_uri',
    undefined,
    () => 'An OpenID request (scope openid) must send redirect_uri.',
  ],
  [
    'authorize',
    'scope',
    /not allowed/,
    (c, client) => {
      const asked = (c.params['scope'] ?? '').split(' ').filter(Boolean);
      const unknown = asked.filter((s) => !c.config.scopes.has(s));
      const notAllowed = asked.filter((s) => c.config.scopes.has(s) && !client?.scopes.has(s));
      const parts: string[] = [];
      if (unknown.length > 0)
        parts.push(
          `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a scope of this server (define it on the Scopes page, or drop it)`,
        );
      if (notAllowed.length > 0)
        parts.push(
          `${notAllowed.join(', ')} ${notAllowed.length === 1 ? 'is' : 'are'} not allowed for ${client?.client_id} (add it to the client's scopes, or drop it)`,
        );
      return parts.length > 0 ? `${parts.join('; ')}.` : undefined;
    },
  ],
  [
    'authorize',
    'pkce',
    /must use PKCE/,
    (_c, client) =>
      `${client?.public ? 'A public client' : 'This client'} must send PKCE: code_challenge (BASE64URL(SHA-256(code_verifier))) with code_challenge_method=S256.`,
  ],
  [
    'authorize',
    'pkce',
    /plain/,
    () =>
      'Use code_challenge_method=S256, or allow "plain" on the client (not recommended, RFC 9700 §2.1.1).',
  ],
  [
    'authorize',
    'response_type',
    undefined,
    () => 'Send response_type=code: the only response type Tessera offers.',
  ],
  [
    'authorize',
    'prompt',
    undefined,
    () => 'prompt takes none, login, consent or select_account, and none stands alone.',
  ],
  [
    'authorize',
    'resource',
    undefined,
    (_c, client) =>
      `resource must name an API the client may use: ${[...(client?.apis ?? [])].join(', ') || 'this client has none (add one on the client page)'}.`,
  ],
  [
    'authorize',
    'session',
    /not logged in|log in again/,
    () => 'prompt=none asks for no login page: log in first, or drop prompt=none.',
  ],
  [
    'authorize',
    'consent',
    /not approved/,
    () => 'prompt=none asks for no consent page: approve the client once, or drop prompt=none.',
  ],
  [
    'par',
    'require PAR',
    undefined,
    () =>
      'This client (or the server) requires PAR: push the request to the PAR endpoint, then send request_uri.',
  ],
  [
    'client_auth',
    '',
    /required/,
    () => 'Authenticate the client: HTTP Basic with client_id and secret, or client_secret in the body.',
  ],
  [
    'client_auth',
    '',
    /not registered for|public client/,
    () =>
      'Use the authentication method the client is registered with (on its page, "Client authentication").',
  ],
  [
    'client_auth',
    '',
    undefined,
    () =>
      'The client_id or secret is wrong: a secret shown once at creation cannot be recovered, rotate it on the client page.',
  ],
  [
    'grant',
    'authorization_code',
    /redirect_uri/,
    () => 'Send the same redirect_uri the authorization request sent (RFC 6749 §4.1.3).',
  ],
  [
    'grant',
    'authorization_code',
    /code_verifier/,
    () => 'Send the code_verifier whose S256 hash was the code_challenge.',
  ],
  [
    'grant',
    'authorization_code',
    undefined,
    () => 'A code is single-use and short-lived: run the flow again for a fresh one.',
  ],
  [
    'grant',
    'refresh_token',
    undefined,
    () => 'With rotation, each refresh token works once; reusing one revokes the grant. Run the flow again.',
  ],
];

/** The fix for a failed step, or undefined when the table has none. */
export function hintFor(ctx: HintContext): string | undefined {
  const clientId = ctx.params['client_id'];
  const client = clientId === undefined ? undefined : ctx.config.clients.get(clientId);
  for (const [stage, name, pattern, hint] of HINTS) {
    if (stage !== ctx.step.stage || (name !== '' && name !== ctx.step.name)) continue;
    if (pattern && !pattern.test(ctx.step.description ?? '')) continue;
    const text = hint(ctx, client);
    if (text !== undefined) return text;
  }
  return undefined;
}
