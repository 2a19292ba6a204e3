// Authenticator edits on a draft snapshot: create, change and delete any type; another provider's client secret
// is sealed before the draft is stored, so no draft or revision ever holds it in plaintext.
import { type AuthenticatorConfig, authenticatorSchema, type Snapshot } from '../config/schema.ts';
import { formatPath } from '../config/validate.ts';
import { oidcIssues } from '../config/validate-oidc.ts';
import { AdminError, invalid, notFound } from './errors.ts';
import {
  type AuthenticatorCreateInput,
  type AuthenticatorPatch,
  authenticatorCreateInput,
  authenticatorPatchInput,
} from './inputs.ts';
import { parseInput } from './parse.ts';
import { sealUpstreamSecret } from './seal-secrets.ts';

/** Seals an upstream provider's client secret (keys/sealed-authn.ts); main.ts passes the box in. */
export interface AuthenticatorTools {
  authnSecrets: { seal(plaintext: string): string };
}

const find = (snapshot: Snapshot, id: string): AuthenticatorConfig => {
  const found = snapshot.authenticators.find((a) => a.id === id);
  if (!found) throw notFound(`authenticator "${id}"`);
  return found;
};

/**
 * The checks a commit makes on another provider, made at once so a form shows them next to their fields
 * (paths inside the entry: `issuer`, `client_secret`, `claims.email`), then the secret sealed.
 */
function kept(authenticator: AuthenticatorConfig, tools: AuthenticatorTools): AuthenticatorConfig {
  if (authenticator.type !== 'oidc') return authenticator;
  const issues = oidcIssues({ authenticators: [authenticator] } as Snapshot, (...path) =>
    formatPath(path.slice(2)),
  );
  if (issues.length > 0) throw invalid(issues);
  return sealUpstreamSecret(authenticator, (secret) => tools.authnSecrets.seal(secret));
}

export function createAuthenticator(
  snapshot: Snapshot,
  raw: AuthenticatorCreateInput,
  tools: AuthenticatorTools,
): Snapshot {
  const authenticator = parseInput(authenticatorCreateInput, raw);
  if (snapshot.authenticators.some((a) => a.id === authenticator.id)) {
    throw new AdminError('duplicate', `an authenticator "${authenticator.id}" already exists`, {
      issues: [{ path: 'id', message: `an authenticator "${authenticator.id}" already exists` }],
    });
  }
  return { ...snapshot, authenticators: [...snapshot.authenticators, kept(authenticator, tools)] };
}

/** Changes the fields given; a provider's secret left out keeps the sealed one, a new one replaces it. */
export function updateAuthenticator(
  snapshot: Snapshot,
  id: string,
  raw: AuthenticatorPatch,
  tools: AuthenticatorTools,
): Snapshot {
  const existing = find(snapshot, id);
  const patch = parseInput(authenticatorPatchInput, raw) as AuthenticatorPatch;
  const merged: Record<string, unknown> = { ...existing, ...patch };
  // Turning to a public client at the provider drops the secret kept for it; one given with it is refused.
  if (merged['token_endpoint_auth_method'] === 'none' && patch.client_secret === undefined) {
    delete merged['client_secret'];
    delete merged['client_secret_sealed'];
  }
  const updated = kept(parseInput(authenticatorSchema, merged), tools);
  return { ...snapshot, authenticators: snapshot.authenticators.map((a) => (a.id === id ? updated : a)) };
}

/** Clients that still use the authenticator make the commit fail, which names them. */
export function deleteAuthenticator(snapshot: Snapshot, id: string): Snapshot {
  find(snapshot, id);
  return { ...snapshot, authenticators: snapshot.authenticators.filter((a) => a.id !== id) };
}
