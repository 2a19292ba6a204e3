// The one configuration schema: server settings plus the committed snapshot of clients, scopes and authenticators.
import { z } from 'zod';
import { apiSchema } from './schema-api.ts';
import { authenticatorSchema, policySchema } from './schema-authn.ts';
import { clientIdMetadataSchema } from './schema-cimd.ts';
import { clientSchema } from './schema-client.ts';
import { emailSchema } from './schema-email.ts';
import { trustedIssuerSchema } from './schema-exchange.ts';
import { registrationSchema } from './schema-registration.ts';

export { apiSchema } from './schema-api.ts';
export {
  authenticatorSchema,
  FACTOR_ROLES,
  factorRole,
  htmlFormAuthenticatorSchema,
  oidcAuthenticatorSchema,
  type PolicyConfig,
  policyAcr,
  policySchema,
  totpAuthenticatorSchema,
} from './schema-authn.ts';
export { clientSchema, MIN_SECRET_BITS, secretEntropyBits } from './schema-client.ts';
export { isLoopbackHost, redirectUriSchema, scopeTokenSchema } from './schema-parts.ts';

import { scopeTokenSchema } from './schema-parts.ts';

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

export const scopeSchema = z
  .object({
    name: scopeTokenSchema,
    description: z.string().max(500).optional(),
    claims: z.array(z.string()).default([]),
  })
  .strict();

export const snapshotSchema = z
  .object({
    authenticators: z
      .array(authenticatorSchema)
      .default([{ id: 'username-password', type: 'html-form', registration: true }]),
    scopes: z.array(scopeSchema).default([]),
    apis: z.array(apiSchema).default([]),
    clients: z.array(clientSchema).default([]),
    /** Authentication policies (docs/authentication.md): chains of authenticators that clients name. */
    policies: z.array(policySchema).optional(),
    /** RFC 8693: external issuers whose JWTs clients may exchange (see a client's token_exchange). */
    trusted_issuers: z.array(trustedIssuerSchema).optional(),
    /** Dynamic client registration (RFC 7591, RFC 7592): off unless committed with enabled (docs/registration.md). */
    registration: registrationSchema.optional(),
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
    /** RFC 9126 §6: every client must push its authorization requests (per client: the client's setting). */
    require_pushed_authorization_requests: z.boolean().default(false),
    /** RFC 9126 §2.2: seconds a pushed request's request_uri may be used (FAPI 2.0: 5 to 600). */
    pushed_request_lifetime: z.number().int().min(5).max(600).default(60),
    /** RFC 9449 §8: require a server-provided nonce in DPoP proofs. */
    dpop_nonce_required: z.boolean().default(false),
    /** RFC 8628 §3.2: seconds a device code and its user code may be used (expires_in). */
    device_code_lifetime: z.number().int().min(60).max(1800).default(600),
    /** RFC 8628 §3.2: seconds a device waits between polls of the token endpoint (interval). */
    device_poll_interval: z.number().int().min(1).max(60).default(5),
    /** The audit log of security events (logins, consent, commits): how long it is kept. */
    audit: z
      .object({
        /** Days an audit event is kept before the cleanup loop deletes it; 0 keeps events forever. */
        retention_days: z.number().int().min(0).max(36_500).default(90),
      })
      .strict()
      .prefault({}),
    /** Client ID Metadata Documents: a client_id that is an https URL names its own metadata (MCP clients). */
    client_id_metadata_documents: clientIdMetadataSchema.prefault({}),
    /** Outgoing email: verification and password-reset links, over SMTP or to the development outbox. */
    email: emailSchema.prefault({}),
    /** Outbound fetches (client jwks_uri): the SSRF guard. */
    outbound: z
      .object({
        /** Seconds before a fetch is abandoned. */
        timeout: z.number().positive().max(30).default(3),
        /** Largest response body accepted, in bytes. */
        max_bytes: z.number().int().positive().max(1_048_576).default(65_536),
        /** Fetch from loopback addresses; default: only when the issuer itself is on loopback. */
        allow_loopback: z.boolean().optional(),
        /** Fetch from private (RFC 1918, carrier-grade NAT, unique-local) addresses; link-local never. */
        allow_private_networks: z.boolean().default(false),
        /** Extra CA certificate files (PEM) trusted beside the system's: for development with self-signed servers. */
        ca_files: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const fileSchema = z
  .object({
    server: serverSchema.prefault({}),
  })
  .extend(snapshotSchema.shape)
  .strict();

export type { ApiConfig } from './schema-api.ts';
export type { ClientConfig } from './schema-client.ts';
export type ClientInput = z.input<typeof clientSchema>;
export type ScopeConfig = z.output<typeof scopeSchema>;
export type AuthenticatorConfig = z.output<typeof authenticatorSchema>;
export type SnapshotInput = z.input<typeof snapshotSchema>;
export type Snapshot = z.output<typeof snapshotSchema>;
export type ServerConfig = z.output<typeof serverSchema>;
export type FileConfig = z.output<typeof fileSchema>;
