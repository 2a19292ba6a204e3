// The one configuration schema: server settings plus the committed snapshot of clients, scopes and authenticators.
import { z } from 'zod';
import { SIGNING_ALGS } from '../shared/algorithms.ts';

/** OIDC Core §5.4 scopes and the claims they stand for; they exist on every server. */
export const STANDARD_SCOPES = {
  openid: [],
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
  offline_access: [],
} as const satisfies Record<string, readonly string[]>;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost') || /^127\./.test(hostname);
}

/** RFC 6749 §3.1.2: absolute, no fragment; HTTPS unless loopback (RFC 8252 §7.3) or a private-use scheme (§7.1). */
export const redirectUriSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an absolute URI` });
    return;
  }
  if (url.hash !== '' || value.includes('#')) {
    ctx.addIssue({ code: 'custom', message: `"${value}" must not contain a fragment (RFC 6749 §3.1.2)` });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" must use https unless it points at a loopback host`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && !url.protocol.slice(0, -1).includes('.')) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}": a private-use scheme must be a reverse domain name such as com.example.app (RFC 8252 §7.1)`,
    });
  }
});

/** RFC 6749 Appendix A: scope tokens are NQCHAR without space. */
export const scopeTokenSchema = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'is not a valid scope token');

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

export const clientSchema = z
  .object({
    client_id: z
      .string()
      .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII (RFC 6749 Appendix A.1)')
      .max(128),
    name: z.string().max(200).optional(),
    capabilities: z
      .array(z.enum(['code']))
      .min(1)
      .default(['code']),
    redirect_uris: z.array(redirectUriSchema).min(1, 'a code-flow client needs at least one redirect URI'),
    /** "none" makes a public client (SPA, native app): no secret, PKCE required. */
    token_endpoint_auth_method: z
      .enum(['client_secret_basic', 'client_secret_post', 'none'])
      .default('client_secret_basic'),
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
    authenticator: z.string().default('username-password'),
    scopes: z.array(scopeTokenSchema).default(['openid']),
    /** PKCE for every authorization request; always on for public clients. */
    require_pkce: z.boolean().optional(),
    /** Accept code_challenge_method=plain (RFC 9700 advises against it). */
    allow_plain_pkce: z.boolean().default(false),
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
  })
  .strict()
  .superRefine((c, ctx) => {
    const isPublic = c.token_endpoint_auth_method === 'none';
    if (!isPublic && c.secret === undefined && c.secret_hash === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message: 'a confidential client needs a secret (or secret_hash)',
      });
    }
    if (isPublic && (c.secret !== undefined || c.secret_hash !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message: 'a public client (token_endpoint_auth_method: none) has no secret',
      });
    }
    const rotates = c.refresh_token.rotation ?? isPublic;
    if (c.refresh_token.idle_lifetime !== undefined && !rotates) {
      ctx.addIssue({
        code: 'custom',
        path: ['refresh_token', 'idle_lifetime'],
        message:
          'an idle lifetime needs refresh_token.rotation: true (each use issues a token with a fresh idle period)',
      });
    }
    if (isPublic && c.require_pkce === false) {
      ctx.addIssue({
        code: 'custom',
        path: ['require_pkce'],
        message: 'public clients always require PKCE (RFC 9700 §2.1.1)',
      });
    }
  });

export const scopeSchema = z
  .object({
    name: scopeTokenSchema,
    description: z.string().max(500).optional(),
    claims: z.array(z.string()).default([]),
  })
  .strict();

export const authenticatorSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
    type: z.literal('html-form'),
    registration: z.boolean().default(true),
  })
  .strict();

export const snapshotSchema = z
  .object({
    authenticators: z
      .array(authenticatorSchema)
      .default([{ id: 'username-password', type: 'html-form', registration: true }]),
    scopes: z.array(scopeSchema).default([]),
    clients: z.array(clientSchema).default([]),
  })
  .strict();

export const serverSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(8443),
    host: z.string().default('localhost'),
    /** Public origin (and optional path prefix) the issuer and endpoints are built from. */
    base_url: z.string().optional(),
    data_dir: z.string().default('./data'),
    /** Permit a plain-HTTP issuer on a non-loopback address (behind a TLS-terminating proxy). */
    allow_insecure_http: z.boolean().default(false),
    tls: z.object({ cert: z.string(), key: z.string() }).strict().optional(),
    authorization_code_lifetime: z.number().int().positive().max(600).default(60),
    session_lifetime: z.number().int().positive().default(28_800),
  })
  .strict();

export const fileSchema = z
  .object({
    server: serverSchema.prefault({}),
  })
  .extend(snapshotSchema.shape)
  .strict();

export type ClientConfig = z.output<typeof clientSchema>;
export type ClientInput = z.input<typeof clientSchema>;
export type ScopeConfig = z.output<typeof scopeSchema>;
export type AuthenticatorConfig = z.output<typeof authenticatorSchema>;
export type SnapshotInput = z.input<typeof snapshotSchema>;
export type Snapshot = z.output<typeof snapshotSchema>;
export type ServerConfig = z.output<typeof serverSchema>;
export type FileConfig = z.output<typeof fileSchema>;
