// People's words for config fields and values: what diffs and refusals show instead of raw config keys.
import type { ConfigIssue } from '../config/validate.ts';
import type { EntityKind } from './diff.ts';

/** How an entry is named in a sentence: "API https://api.example.com", "client www". */
export const KIND_WORDS: Record<EntityKind, string> = {
  authenticator: 'authenticator',
  policy: 'sign-in policy',
  scope: 'scope',
  api: 'API',
  trusted_issuer: 'trusted issuer',
  client: 'client',
  registration: 'registration policy',
};

const LIST_KIND: Record<string, EntityKind> = {
  authenticators: 'authenticator',
  policies: 'policy',
  scopes: 'scope',
  apis: 'api',
  trusted_issuers: 'trusted_issuer',
  clients: 'client',
};

/** The wizard's and the client page's words; a field missing here is shown as it is. */
const FIELDS: Record<EntityKind, Record<string, string>> = {
  registration: {
    enabled: 'registration on',
    access: 'who may register',
    redirect_uri_hosts: 'allowed redirect hosts',
    allow_custom_schemes: 'native app URL schemes',
    scopes: 'scopes a registered client may get',
    apis: 'APIs a registered client may use',
    grant_types: 'grant types a registered client may get',
    token_endpoint_auth_methods: 'client authentication methods allowed',
    unused_lifetime: 'removed after unused for',
    rate_limit: 'registrations per address',
    rate_window: 'rate limit window',
  },
  client: {
    client_id: 'client ID',
    name: 'display name',
    capabilities: 'capabilities',
    redirect_uris: 'redirect URIs',
    token_endpoint_auth_method: 'client authentication',
    token_endpoint_auth_signing_alg: "signing algorithm of the client's JWT",
    secret: 'secret',
    jwks: 'JWKS',
    'jwks.keys': 'JWKS',
    jwks_uri: 'JWKS URL',
    authenticator: 'user authentication',
    authentication_policies: 'sign-in policies',
    scopes: 'scopes',
    apis: 'allowed APIs',
    require_pkce: 'require PKCE',
    allow_plain_pkce: 'allow plain PKCE',
    require_pushed_authorization_requests: 'require pushed authorization requests (PAR)',
    request_object_signing_alg: 'request object signing algorithm',
    dpop_bound_access_tokens: 'require DPoP-bound tokens',
    profile: 'security profile',
    consent_required: 'ask users for consent',
    refresh_token: 'refresh tokens',
    'refresh_token.enabled': 'refresh tokens',
    'refresh_token.lifetime': 'refresh token lifetime',
    'refresh_token.idle_lifetime': 'refresh token idle lifetime',
    'refresh_token.rotation': 'refresh token rotation',
    'refresh_token.reuse_grace': 'refresh token reuse grace',
    access_token_lifetime: 'access token lifetime',
    access_token_format: 'access token format',
    id_token_lifetime: 'ID token lifetime',
    id_token_signed_response_alg: 'ID token signing algorithm',
    userinfo_signed_response_alg: 'UserInfo signing algorithm',
    post_logout_redirect_uris: 'post-logout redirect URIs',
    allowed_cors_origins: 'allowed CORS origins',
    token_exchange: 'token exchange',
    'token_exchange.subject_token_types': 'token exchange: tokens it may present',
    'token_exchange.actor_token_types': 'token exchange: actor tokens it may present',
    'token_exchange.audiences': 'token exchange: APIs',
    'token_exchange.impersonation': 'token exchange: impersonation',
    'token_exchange.delegation': 'token exchange: delegation',
    'token_exchange.trusted_issuers': 'token exchange: trusted issuers',
    'token_exchange.subject_clients': "token exchange: clients whose users' tokens it may present",
  },
  api: {
    identifier: 'identifier',
    name: 'name',
    scopes: 'scopes',
    access_token_format: 'token format',
    access_token_lifetime: 'token lifetime',
  },
  scope: { name: 'name', description: 'description', claims: 'claims released' },
  authenticator: {
    id: 'id',
    type: 'sign-in method',
    registration: 'self-registration',
    issuer: 'name in authenticator apps',
    // Another provider (oidc): what its settings page calls them.
    name: 'provider name',
    client_id: 'client ID at the provider',
    secret: 'client secret',
    token_endpoint_auth_method: 'client authentication at the provider',
    scopes: 'scopes asked for',
    create_accounts: 'create accounts for new users',
    claims: 'profile fields from the provider',
    trust_upstream_authentication: "trust the provider's sign-in method",
  },
  trusted_issuer: { issuer: 'issuer', name: 'name', jwks: 'public keys', jwks_uri: 'public keys URL' },
  policy: {
    id: 'id',
    name: 'name',
    acr: 'level reported to apps (acr)',
    steps: 'steps',
    enrol: 'set up at sign-in',
  },
};

/** Where one authenticator type names a shared field differently: an oidc issuer is the provider's URL. */
const TYPE_FIELDS: Record<string, Record<string, string>> = {
  oidc: { issuer: 'issuer URL' },
};

/** Form fields of the admin pages that are no config field (the wizard's, the commit form's). */
const FORM_FIELDS: Record<string, string> = {
  new_uri: 'redirect URI',
  auth: 'client authentication',
  message: 'commit message',
  jwks_text: 'JWKS',
};

/** The wizard's words for each method (client-choices.ts offers them with the method's name). */
export const AUTH_METHOD_WORDS: Record<string, string> = {
  client_secret_basic: 'Secret, sent with HTTP Basic',
  client_secret_post: 'Secret, sent in the form body',
  client_secret_jwt: 'Signed JWT with the client secret',
  private_key_jwt: 'Signed JWT with a private key',
  none: 'None: a public client',
};

export const CAPABILITY_WORDS: Record<string, string> = {
  code: 'Code Flow',
  client_credentials: 'Client Credentials',
  device_code: 'Device Flow',
  token_exchange: 'Token Exchange',
};

const VALUE_WORDS: Record<string, Record<string, string>> = {
  capabilities: CAPABILITY_WORDS,
  token_endpoint_auth_method: AUTH_METHOD_WORDS,
  access_token_format: { jwt: 'JWT', opaque: 'opaque' },
  profile: { fapi2: 'FAPI 2.0' },
  type: {
    'html-form': 'username and password form',
    totp: 'authenticator app codes',
    passkey: 'passkeys',
    oidc: 'another provider (OpenID Connect)',
  },
};

const SECONDS = /(lifetime|reuse_grace|rate_window)$/;

export const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** What an authenticator is, in the words of the pages' pickers: "username and password", "sign in with Acme". */
export function authenticatorKind(a: { type: string; name?: string }): string {
  switch (a.type) {
    case 'html-form':
      return 'username and password';
    case 'totp':
      return 'authenticator app code';
    case 'passkey':
      return 'passkey';
    case 'oidc':
      return `sign in with ${a.name ?? 'another provider'}`;
    default:
      return a.type;
  }
}

/**
 * A field of an entry in words, e.g. `token_endpoint_auth_method` of a client: "client authentication".
 * Without a kind (a form whose entry is plain from the page) only the form's own fields have words.
 */
export function fieldWords(kind: EntityKind | undefined, field: string, type?: string): string {
  const bare = field.replace(/\[\d+\]/g, '');
  if (kind === 'authenticator' && type === 'oidc' && bare.startsWith('claims.')) {
    return `profile field ${bare.slice('claims.'.length)}, from the provider's claim`;
  }
  const typed = kind === 'authenticator' && type !== undefined ? TYPE_FIELDS[type]?.[bare] : undefined;
  if (typed !== undefined) return typed;
  const known = kind && (FIELDS[kind][bare] ?? FIELDS[kind][bare.split('.')[0]!]);
  return known ?? FORM_FIELDS[bare] ?? bare.replace(/_/g, ' ');
}

/** One value in words: "Code Flow", "JWT", "on", "300 s"; a JWK as its type and key id. */
export function valueWords(field: string, value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return SECONDS.test(field) ? `${value} s` : String(value);
  if (typeof value === 'string') {
    if (value === '') return '(empty)';
    return VALUE_WORDS[field.split('.').pop()!]?.[value] ?? value;
  }
  if (field.startsWith('jwks') && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const key = value as Record<string, unknown>;
    const kid = typeof key['kid'] === 'string' ? ` "${key['kid']}"` : '';
    return `${String(key['kty'] ?? 'unknown')} key${kid}`;
  }
  return JSON.stringify(value);
}

/**
 * Where a refusal points, in words: `clients[www].token_endpoint_auth_method` reads "Client www:
 * client authentication", and a path inside one entry's form (`jwks_uri`) reads "JWKS URL".
 */
export function pathWords(
  path: string,
  kind?: EntityKind,
  typeOf?: (authenticatorId: string) => string | undefined,
): string {
  if (path === '' || path === '(root)') return '';
  const entry = /^(authenticators|policies|scopes|apis|trusted_issuers|clients)\[([^\]]+)\]\.?/.exec(path);
  if (!entry && path.startsWith('registration.')) {
    return `Registration policy: ${fieldWords('registration', path.slice('registration.'.length))}`;
  }
  // A path inside the one entry a form edits: typeOf('') is that entry's type.
  if (!entry) return capitalise(fieldWords(kind, path, typeOf?.('')));
  const entryKind = LIST_KIND[entry[1]!]!;
  const rest = path.slice(entry[0].length);
  const name = `${capitalise(KIND_WORDS[entryKind])} ${entry[2]}`;
  const type = entryKind === 'authenticator' ? typeOf?.(entry[2]!) : undefined;
  return rest === '' ? name : `${name}: ${fieldWords(entryKind, rest, type)}`;
}

/** Issues with a `label` in words next to their path, for the pages. */
export function labelIssues(
  issues: readonly ConfigIssue[],
  kind?: EntityKind,
  typeOf?: (authenticatorId: string) => string | undefined,
): (ConfigIssue & { label: string })[] {
  return issues.map((issue) => ({ ...issue, label: pathWords(issue.path, kind, typeOf) }));
}
