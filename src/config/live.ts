// The in-memory config the hot paths read: a committed snapshot compiled into lookup maps, frozen.

import type { SigningAlg } from '../shared/algorithms.ts';
import { deepFreeze } from './load.ts';

export { mergeSnapshots } from './merge.ts';

import { type AuthenticatorConfig, type ClientConfig, type Snapshot, STANDARD_SCOPES } from './schema.ts';

export interface Client {
  readonly client_id: string;
  readonly name: string;
  readonly redirect_uris: readonly string[];
  /** Public clients (token_endpoint_auth_method none) have no secret. */
  readonly public: boolean;
  /** Keyed hash of the client secret (see keys/secrets.ts); empty for public clients. */
  readonly secretHash: string;
  readonly authenticator: string;
  readonly scopes: ReadonlySet<string>;
  readonly requirePkce: boolean;
  readonly allowPlainPkce: boolean;
  readonly consentRequired: boolean;
  readonly refreshToken: {
    readonly enabled: boolean;
    readonly lifetime: number;
    readonly idleLifetime: number | null;
    readonly rotation: boolean;
    readonly reuseGrace: number;
  };
  readonly accessTokenLifetime: number;
  readonly accessTokenFormat: 'opaque' | 'jwt';
  readonly idTokenLifetime: number;
  readonly idTokenAlg: SigningAlg;
  readonly userinfoAlg: SigningAlg | null;
  readonly postLogoutRedirectUris: readonly string[];
  /** Browser origins allowed to call the token endpoint. */
  readonly corsOrigins: ReadonlySet<string>;
}

export interface ScopeDefinition {
  readonly name: string;
  readonly description: string;
  readonly claims: readonly string[];
}

export interface LiveConfig {
  readonly revision: number;
  readonly snapshot: Snapshot;
  readonly clients: ReadonlyMap<string, Client>;
  readonly scopes: ReadonlyMap<string, ScopeDefinition>;
  readonly authenticators: ReadonlyMap<string, AuthenticatorConfig>;
}

export function compileConfig(
  snapshot: Snapshot,
  revision: number,
  hashSecret: (secret: string) => string,
): LiveConfig {
  const scopes = new Map<string, ScopeDefinition>();
  for (const [name, claims] of Object.entries(STANDARD_SCOPES)) {
    scopes.set(name, { name, description: '', claims });
  }
  for (const s of snapshot.scopes)
    scopes.set(s.name, { name: s.name, description: s.description ?? '', claims: s.claims });
  const clients = new Map(snapshot.clients.map((c) => [c.client_id, compileClient(c, hashSecret)]));
  return deepFreeze({
    revision,
    snapshot,
    clients,
    scopes,
    authenticators: new Map(snapshot.authenticators.map((a) => [a.id, a])),
  });
}

function compileClient(c: ClientConfig, hashSecret: (secret: string) => string): Client {
  const isPublic = c.token_endpoint_auth_method === 'none';
  const origins = new Set(c.allowed_cors_origins);
  for (const uri of c.redirect_uris) {
    const url = new URL(uri);
    if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
  }
  return {
    client_id: c.client_id,
    name: c.name ?? c.client_id,
    redirect_uris: c.redirect_uris,
    public: isPublic,
    secretHash: isPublic ? '' : (c.secret_hash ?? hashSecret(c.secret!)),
    authenticator: c.authenticator,
    scopes: new Set(c.scopes),
    requirePkce: isPublic || (c.require_pkce ?? false),
    allowPlainPkce: c.allow_plain_pkce,
    consentRequired: c.consent_required,
    refreshToken: {
      enabled: c.refresh_token.enabled,
      lifetime: c.refresh_token.lifetime,
      idleLifetime: c.refresh_token.idle_lifetime ?? null,
      rotation: c.refresh_token.rotation ?? isPublic,
      reuseGrace: c.refresh_token.reuse_grace,
    },
    accessTokenLifetime: c.access_token_lifetime,
    accessTokenFormat: c.access_token_format,
    idTokenLifetime: c.id_token_lifetime,
    idTokenAlg: c.id_token_signed_response_alg,
    userinfoAlg: c.userinfo_signed_response_alg ?? null,
    postLogoutRedirectUris: c.post_logout_redirect_uris,
    corsOrigins: origins,
  };
}
