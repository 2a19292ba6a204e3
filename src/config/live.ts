// The in-memory config the hot paths read: a committed snapshot compiled into lookup maps, frozen.

import type { ClientAssertionAlg, SigningAlg } from '../shared/algorithms.ts';
import { deepFreeze } from './load.ts';
import { compilePolicy, firstFactorAuthenticators, implicitPolicy, type Policy } from './policies.ts';
import { FAPI2_CODE_LIFETIME } from './profile-fapi2.ts';
import type { TokenExchangeConfig } from './schema-exchange.ts';

export { mergeSnapshots } from './merge.ts';

import {
  type ApiConfig,
  type AuthenticatorConfig,
  type ClientConfig,
  type Snapshot,
  STANDARD_SCOPES,
} from './schema.ts';

export type ClientAuthMethodName = ClientConfig['token_endpoint_auth_method'];
export type Capability = ClientConfig['capabilities'][number];

export interface Client {
  readonly client_id: string;
  readonly name: string;
  readonly capabilities: ReadonlySet<Capability>;
  readonly redirect_uris: readonly string[];
  /** Public clients (token_endpoint_auth_method none) have no secret. */
  readonly public: boolean;
  /** The one token_endpoint_auth_method it is registered with (the secret methods accept each other). */
  readonly authMethod: ClientAuthMethodName;
  /** RFC 7591 §2: the alg its assertions must use, or null for any the method allows. */
  readonly authSigningAlg: ClientAssertionAlg | null;
  /** Keyed hash of the client secret (see keys/secrets.ts); empty when it has none. */
  readonly secretHash: string;
  /** client_secret_jwt: the secret, sealed under the master key; null otherwise. */
  readonly secretSealed: string | null;
  /** private_key_jwt: its public keys by value, or where to fetch them. */
  readonly jwks: { readonly keys: readonly Readonly<Record<string, unknown>>[] } | null;
  readonly jwksUri: string | null;
  /** RFC 8707: API identifiers it may name as `resource`. */
  readonly apis: ReadonlySet<string>;
  /** RFC 9126 §6: authorization requests only through PAR. */
  readonly requirePar: boolean;
  readonly requestObjectAlg: ClientAssertionAlg | null;
  /** RFC 9449 §5.2: its access tokens must be DPoP-bound. */
  readonly requireDpop: boolean;
  readonly profile: 'fapi2' | null;
  /** Seconds its codes live, or null for the server's setting (FAPI 2.0: at most 60). */
  readonly codeLifetime: number | null;
  readonly authenticator: string;
  /** Its authentication policies: the first is the default, later ones are reached by acr_values or claims. */
  readonly policies: readonly Policy[];
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
  /** RFC 8693: what it may exchange; absent, token exchange is off for it. */
  readonly tokenExchange?: TokenExchangeConfig;
}

export interface ScopeDefinition {
  readonly name: string;
  readonly description: string;
  readonly claims: readonly string[];
}

/** An API (resource server, RFC 8707) as the token endpoint reads it. */
export interface Api {
  readonly identifier: string;
  readonly name: string;
  readonly scopes: ReadonlySet<string>;
  readonly accessTokenFormat: 'opaque' | 'jwt';
  readonly accessTokenLifetime: number;
}

export interface LiveConfig {
  readonly revision: number;
  readonly snapshot: Snapshot;
  readonly clients: ReadonlyMap<string, Client>;
  readonly apis: ReadonlyMap<string, Api>;
  readonly scopes: ReadonlyMap<string, ScopeDefinition>;
  readonly authenticators: ReadonlyMap<string, AuthenticatorConfig>;
  /** Configured policies by id, and each first-factor authenticator's implicit one under `@<id>`. */
  readonly policies: ReadonlyMap<string, Policy>;
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
  const policies = new Map<string, Policy>();
  for (const a of firstFactorAuthenticators(snapshot.authenticators)) {
    const implicit = implicitPolicy(a);
    policies.set(implicit.id, implicit);
  }
  for (const p of snapshot.policies ?? []) policies.set(p.id, compilePolicy(p));
  const clients = new Map(
    snapshot.clients.map((c) => [
      c.client_id,
      compileClient(c, hashSecret, policies, snapshot.authenticators),
    ]),
  );
  return deepFreeze({
    revision,
    snapshot,
    clients,
    apis: new Map(snapshot.apis.map((a) => [a.identifier, compileApi(a)])),
    scopes,
    authenticators: new Map(snapshot.authenticators.map((a) => [a.id, a])),
    policies,
  });
}

function compileApi(a: ApiConfig): Api {
  return {
    identifier: a.identifier,
    name: a.name ?? a.identifier,
    scopes: new Set(a.scopes),
    accessTokenFormat: a.access_token_format,
    accessTokenLifetime: a.access_token_lifetime,
  };
}

/** The client's named policies; none named: its authenticator as the one-step policy (acr as before policies). */
function clientPolicies(
  c: ClientConfig,
  policies: ReadonlyMap<string, Policy>,
  authenticators: readonly AuthenticatorConfig[],
): Policy[] {
  const named = (c.authentication_policies ?? []).flatMap((id) => policies.get(id) ?? []);
  if (named.length > 0) return named;
  const a = authenticators.find((x) => x.id === c.authenticator);
  return [implicitPolicy(a ?? { id: c.authenticator, type: 'html-form' })];
}

/** `policies` and `authenticators` resolve the client's authentication policies (default: its authenticator alone). */
export function compileClient(
  c: ClientConfig,
  hashSecret: (secret: string) => string,
  policies: ReadonlyMap<string, Policy> = new Map(),
  authenticators: readonly AuthenticatorConfig[] = [],
): Client {
  const isPublic = c.token_endpoint_auth_method === 'none';
  const fapi2 = c.profile === 'fapi2';
  const hasHashedSecret =
    c.secret_hash !== undefined ||
    (c.secret !== undefined && c.token_endpoint_auth_method !== 'client_secret_jwt');
  const origins = new Set(c.allowed_cors_origins);
  for (const uri of c.redirect_uris) {
    const url = new URL(uri);
    if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
  }
  return {
    client_id: c.client_id,
    name: c.name ?? c.client_id,
    capabilities: new Set(c.capabilities),
    redirect_uris: c.redirect_uris,
    public: isPublic,
    authMethod: c.token_endpoint_auth_method,
    authSigningAlg: c.token_endpoint_auth_signing_alg ?? null,
    secretHash: hasHashedSecret ? (c.secret_hash ?? hashSecret(c.secret!)) : '',
    // A file-configured client_secret_jwt secret is kept in memory as it is; committed ones arrive sealed.
    secretSealed:
      c.secret_sealed ?? (c.token_endpoint_auth_method === 'client_secret_jwt' ? `plain:${c.secret}` : null),
    jwks: c.jwks ?? null,
    jwksUri: c.jwks_uri ?? null,
    apis: new Set(c.apis),
    requirePar: fapi2 || (c.require_pushed_authorization_requests ?? false),
    requestObjectAlg: c.request_object_signing_alg ?? null,
    requireDpop: fapi2 || (c.dpop_bound_access_tokens ?? false),
    profile: c.profile ?? null,
    codeLifetime: fapi2 ? FAPI2_CODE_LIFETIME : null,
    authenticator: c.authenticator,
    policies: clientPolicies(c, policies, authenticators),
    scopes: new Set(c.scopes),
    requirePkce: fapi2 || isPublic || (c.require_pkce ?? false),
    allowPlainPkce: c.allow_plain_pkce,
    consentRequired: c.consent_required,
    refreshToken: {
      enabled: c.refresh_token.enabled,
      lifetime: c.refresh_token.lifetime,
      idleLifetime: c.refresh_token.idle_lifetime ?? null,
      rotation: c.refresh_token.rotation ?? (isPublic && !fapi2),
      reuseGrace: c.refresh_token.reuse_grace,
    },
    accessTokenLifetime: c.access_token_lifetime,
    accessTokenFormat: c.access_token_format,
    idTokenLifetime: c.id_token_lifetime,
    idTokenAlg: c.id_token_signed_response_alg,
    userinfoAlg: c.userinfo_signed_response_alg ?? null,
    postLogoutRedirectUris: c.post_logout_redirect_uris,
    corsOrigins: origins,
    ...(c.token_exchange === undefined ? {} : { tokenExchange: c.token_exchange }),
  };
}
