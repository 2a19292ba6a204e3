// The client schema: what a committed (or file-configured) client may say, and the rules across its fields.
import { z } from 'zod';
import { CLIENT_ASSERTION_ALGS, HMAC_ALGS, SIGNING_ALGS } from '../shared/algorithms.ts';
import { fapi2Refusals } from './profile-fapi2.ts';
import { tokenExchangeSchema } from './schema-exchange.ts';
import { fetchUrlSchema, redirectUriSchema, resourceUriSchema, scopeTokenSchema } from './schema-parts.ts';

/**
 * Client secrets are verified with a fast keyed hash, so a typed-in secret must carry as much entropy
 * as a generated one (256 bits): estimated as length x log2 of the character classes it draws from
 * (so 43 random base64url characters pass), and nothing made of a handful of distinct characters.
 */
export const MIN_SECRET_BITS = 256;

export function secretEntropyBits(secret: string): number {
  let pool = 0;
  if (/[a-z]/.test(secret)) pool += 26;
  if (/[A-Z]/.test(secret)) pool += 26;
  if (/[0-9]/.test(secret)) pool += 10;
  if (/[-_]/.test(secret)) pool += 2;
  if (/[^a-zA-Z0-9_-]/.test(secret)) pool += 30;
  // A string of few distinct characters ("aaaa…", "abababab…") is not random however long it is.
  const distinct = new Set(secret).size;
  if (pool === 0 || distinct < Math.min(16, secret.length / 2)) return 0;
  return Math.floor(secret.length * Math.log2(pool));
}

const originSchema = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}, 'must be an origin such as https://app.example.com (scheme, host and optional port only)');

/** A JWK Set by value (RFC 7517 §5); each key is checked when it is imported. */
const jwksSchema = z
  .object({
    /** The public keys (JWKs), each with its kty and, when there are several, a kid. */
    keys: z.array(z.record(z.string(), z.unknown())).min(1, 'a JWK Set needs at least one key'),
  })
  .strict();

export const CAPABILITIES = ['code', 'client_credentials', 'token_exchange', 'device_code'] as const;

export const CLIENT_AUTH_METHOD_NAMES = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
] as const;

/** The methods that prove a shared secret (hash-verified, or HMAC for client_secret_jwt). */
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

export const clientSchema = z
  .object({
    client_id: z
      .string()
      .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII (RFC 6749 Appendix A.1)')
      .max(128),
    name: z.string().max(200).optional(),
    /** code: the authorization code flow; client_credentials: RFC 6749 §4.4, a machine acting for itself;
     * device_code: RFC 8628, a device without a browser (TV, CLI) whose user approves on another screen. */
    capabilities: z.array(z.enum(CAPABILITIES)).min(1).default(['code']),
    redirect_uris: z.array(redirectUriSchema).default([]),
    /** "none" makes a public client (SPA, native app): no secret, PKCE required. */
    token_endpoint_auth_method: z.enum(CLIENT_AUTH_METHOD_NAMES).default('client_secret_basic'),
    /** RFC 7591 §2: the one alg its client assertions are signed with; any allowed one when absent. */
    token_endpoint_auth_signing_alg: z.enum(CLIENT_ASSERTION_ALGS).optional(),
    /** Plaintext secret for development configs; hashed at load and never kept. */
    secret: z
      .string()
      .max(512)
      .refine(
        (secret) => secretEntropyBits(secret) >= MIN_SECRET_BITS,
        `is too weak: a client secret needs about ${MIN_SECRET_BITS} bits (e.g. 43 random letters, digits, - and _); omit it to have one generated`,
      )
      .optional(),
    /** Keyed hash of the secret, as `tessera client create` stores it. */
    secret_hash: z.string().optional(),
    /** client_secret_jwt: the secret encrypted under the master key (an HMAC key cannot be a hash). */
    secret_sealed: z.string().optional(),
    /** private_key_jwt: the client's public keys by value (RFC 7591 §2 jwks)... */
    jwks: jwksSchema.optional(),
    /** ...or by reference, fetched with a timeout, a size cap and HTTP caching. */
    jwks_uri: fetchUrlSchema.optional(),
    authenticator: z.string().default('username-password'),
    /** Authentication policy ids: the first is the default, later ones are step-up levels reached by acr_values or an essential acr claim. */
    authentication_policies: z.array(z.string()).optional(),
    scopes: z.array(scopeTokenSchema).default(['openid']),
    /** RFC 8707: the APIs (their identifiers) this client may ask tokens for with `resource`. */
    apis: z.array(resourceUriSchema).default([]),
    /** PKCE for every authorization request; always on for public clients. */
    require_pkce: z.boolean().optional(),
    /** Accept code_challenge_method=plain (RFC 9700 advises against it). */
    allow_plain_pkce: z.boolean().default(false),
    /** RFC 9126 §6: authorization requests only through the PAR endpoint. */
    require_pushed_authorization_requests: z.boolean().optional(),
    /** RFC 9101 §10.5: the alg request objects must be signed with; any allowed one when absent. */
    request_object_signing_alg: z.enum(CLIENT_ASSERTION_ALGS).optional(),
    /** RFC 9449 §5.2: every access token this client gets is DPoP-bound; bearer requests are refused. */
    dpop_bound_access_tokens: z.boolean().optional(),
    /** A security profile whose authorization-server rules this client is held to. */
    profile: z.enum(['fapi2']).optional(),
    consent_required: z.boolean().default(false),
    refresh_token: z
      .object({
        enabled: z.boolean().default(true),
        /** Absolute lifetime of a refresh-token family, in seconds. */
        lifetime: z.number().int().positive().default(86_400),
        /** A refresh token unused this long expires, even within its absolute lifetime (needs rotation). */
        idle_lifetime: z.number().int().positive().optional(),
        /** Issue a new refresh token on every use; on by default for public clients. */
        rotation: z.boolean().optional(),
        /** Seconds a rotated-out token is still accepted (two tabs refreshing at once). */
        reuse_grace: z.number().int().min(0).max(300).default(0),
      })
      .strict()
      .prefault({}),
    access_token_lifetime: z.number().int().positive().max(86_400).default(300),
    /** opaque (default) or jwt (RFC 9068). */
    access_token_format: z.enum(['opaque', 'jwt']).default('opaque'),
    id_token_lifetime: z.number().int().positive().max(86_400).default(3_600),
    id_token_signed_response_alg: z.enum(SIGNING_ALGS).default('RS256'),
    /** Sign userinfo responses as a JWT with this algorithm (OIDC Core §5.3.2). */
    userinfo_signed_response_alg: z.enum(SIGNING_ALGS).optional(),
    post_logout_redirect_uris: z.array(redirectUriSchema).default([]),
    /** Browser origins allowed to call the token endpoint (CORS), besides the redirect URIs' origins. */
    allowed_cors_origins: z.array(originSchema).default([]),
    /** RFC 8693: what this client may exchange; needs the token_exchange capability. */
    token_exchange: tokenExchangeSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const method = c.token_endpoint_auth_method;
    const isPublic = method === 'none';
    const hasSecret = c.secret !== undefined || c.secret_hash !== undefined || c.secret_sealed !== undefined;
    if (c.capabilities.includes('code') && c.redirect_uris.length === 0) {
      issue(['redirect_uris'], 'a code-flow client needs at least one redirect URI');
    }
    if (SECRET_METHODS.has(method) && !hasSecret) {
      issue(['secret'], 'a confidential client needs a secret (or secret_hash)');
    }
    if (method === 'client_secret_jwt' && c.secret === undefined && c.secret_sealed === undefined) {
      issue(['secret'], 'client_secret_jwt needs the secret itself (an HMAC key), not only its hash');
    }
    if ((isPublic || method === 'private_key_jwt') && hasSecret) {
      issue(['secret'], `a client that authenticates with ${method} has no secret`);
    }
    if (method === 'private_key_jwt' && (c.jwks === undefined) === (c.jwks_uri === undefined)) {
      issue(['jwks'], 'private_key_jwt needs the client keys: jwks or jwks_uri, exactly one (RFC 7591 §2)');
    }
    if (method !== 'private_key_jwt' && (c.jwks !== undefined || c.jwks_uri !== undefined)) {
      issue(['jwks'], 'client keys (jwks, jwks_uri) are only used with private_key_jwt');
    }
    const alg = c.token_endpoint_auth_signing_alg;
    if (alg !== undefined) {
      const hmac = (HMAC_ALGS as readonly string[]).includes(alg);
      if (method === 'private_key_jwt' && hmac) {
        issue(
          ['token_endpoint_auth_signing_alg'],
          'private_key_jwt assertions are signed with a private key, not HS*',
        );
      } else if (method === 'client_secret_jwt' && !hmac) {
        issue(
          ['token_endpoint_auth_signing_alg'],
          'client_secret_jwt assertions are HMACs: HS256, HS384 or HS512',
        );
      } else if (method !== 'private_key_jwt' && method !== 'client_secret_jwt') {
        issue(
          ['token_endpoint_auth_signing_alg'],
          'only the JWT client-authentication methods sign assertions',
        );
      }
    }
    if (isPublic && c.capabilities.includes('client_credentials')) {
      issue(['capabilities'], 'client credentials needs a confidential client (RFC 6749 §4.4)');
    }
    if (c.capabilities.includes('token_exchange') !== (c.token_exchange !== undefined)) {
      issue(
        ['token_exchange'],
        'the Token Exchange capability and the token exchange settings go together: give both or neither',
      );
    }
    if (isPublic && c.capabilities.includes('token_exchange')) {
      issue(['capabilities'], 'token exchange needs an authenticated confidential client (RFC 8693 §5)');
    }
    const rotates = c.refresh_token.rotation ?? isPublic;
    if (c.refresh_token.idle_lifetime !== undefined && !rotates) {
      issue(
        ['refresh_token', 'idle_lifetime'],
        'an idle lifetime needs refresh_token.rotation: true (each use issues a token with a fresh idle period)',
      );
    }
    if (isPublic && c.require_pkce === false) {
      issue(['require_pkce'], 'public clients always require PKCE (RFC 9700 §2.1.1)');
    }
    if (c.profile === 'fapi2') for (const refusal of fapi2Refusals(c)) issue(refusal.path, refusal.message);
  });

export type ClientConfig = z.output<typeof clientSchema>;
