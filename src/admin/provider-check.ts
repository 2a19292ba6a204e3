// "Check provider": reads an OpenID Provider's discovery document through the SSRF guard and says, in plain
// words, whether Tessera can sign people in through it (found, unreachable, not a provider, another issuer).
import { issuerProblem } from '../config/validate-oidc.ts';
import { fetchJson, OutboundError, type OutboundSettings } from '../keys/outbound.ts';
import { AUTH_METHOD_WORDS } from './field-labels.ts';

export type ProviderCheck =
  | { ok: true; message: string; authorizationEndpoint: string; notes: string[] }
  | {
      ok: false;
      problem: 'invalid_issuer' | 'unreachable' | 'not_a_provider' | 'issuer_mismatch';
      message: string;
    };

/** OIDC Discovery §4: the issuer, less a trailing slash, followed by the well-known path. */
export const discoveryUrl = (issuer: string): string =>
  `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;

/** A value from the provider, shown on a page: printable, and short enough to read. */
function shown(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

const httpUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    return ['https:', 'http:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;

/** What would stop or weaken sign-ins through a provider that was found. */
function notesOn(doc: Record<string, unknown>, method: string | undefined): string[] {
  const notes: string[] = [];
  if (!httpUrl(doc['token_endpoint'])) notes.push('It names no token endpoint: a sign-in cannot finish.');
  if (!httpUrl(doc['jwks_uri']))
    notes.push('It names no public keys (jwks_uri): its ID tokens cannot be checked.');
  const types = strings(doc['response_types_supported']);
  if (types && !types.includes('code')) notes.push('It does not offer the code flow Tessera uses.');
  // OIDC Discovery §3: without the list, client_secret_basic is the one method it accepts.
  const methods = strings(doc['token_endpoint_auth_methods_supported']) ?? ['client_secret_basic'];
  if (method !== undefined && !methods.includes(method)) {
    const listed = methods.slice(0, 6).map((m) => AUTH_METHOD_WORDS[m] ?? shown(m));
    notes.push(
      `It does not accept the client authentication chosen here (${AUTH_METHOD_WORDS[method] ?? method}); it lists: ${listed.join('; ') || 'none'}.`,
    );
  }
  return notes;
}

export async function checkProvider(
  issuer: string,
  outbound: OutboundSettings,
  method?: string,
): Promise<ProviderCheck> {
  const problem = issuerProblem(issuer);
  if (problem) return { ok: false, problem: 'invalid_issuer', message: `The issuer URL ${problem}.` };
  const where = discoveryUrl(issuer);
  let body: unknown;
  try {
    ({ body } = await fetchJson(where, outbound));
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    return {
      ok: false,
      problem: 'unreachable',
      message: `Could not reach the provider at ${where}: ${error.message}.`,
    };
  }
  const doc =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  if (!httpUrl(doc['authorization_endpoint'])) {
    return {
      ok: false,
      problem: 'not_a_provider',
      message: `${where} answered, but not with an OpenID Provider's discovery document: it names no authorization endpoint.`,
    };
  }
  // OIDC Discovery §4.3: the issuer in the document must be exactly the one it was fetched for.
  if (doc['issuer'] !== issuer) {
    const found = typeof doc['issuer'] === 'string' ? `"${shown(doc['issuer'])}"` : 'nothing';
    return {
      ok: false,
      problem: 'issuer_mismatch',
      message: `Its issuer does not match: the provider calls itself ${found}, not "${issuer}". Enter the provider's issuer exactly as it gives it.`,
    };
  }
  const authorizationEndpoint = shown(doc['authorization_endpoint']);
  return {
    ok: true,
    message: `Found the provider: people will sign in at ${authorizationEndpoint}.`,
    authorizationEndpoint,
    notes: notesOn(doc, method),
  };
}
