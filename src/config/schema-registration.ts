// Dynamic client registration policy (RFC 7591): off by default; who may register and what a registered client may get.
import { z } from 'zod';
import { resourceUriSchema, scopeTokenSchema } from './schema-parts.ts';

/** The grant types a registered client may ask for (RFC 7591 §2 grant_types). */
export const REGISTRATION_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
] as const;

/** The token_endpoint_auth_method values a registered client may ask for (RFC 7591 §2). */
export const REGISTRATION_AUTH_METHODS = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
] as const;

/** A host a redirect URI may name: a hostname, or `*.example.com` for any subdomain of it. */
const hostPattern = z
  .string()
  .regex(/^(\*\.)?[a-z0-9.-]+$/, 'use a lowercase host name, or *.example.com for its subdomains');

export const registrationSchema = z
  .object({
    /** Accept registrations at the registration endpoint (RFC 7591 §3); discovery names it only when on. */
    enabled: z.boolean().default(false),
    /** open: anyone may register; initial_access_token: only with a token an admin created (RFC 7591 §3). */
    access: z.enum(['open', 'initial_access_token']).default('initial_access_token'),
    /** Hosts https redirect URIs may point at; empty: any host. http is only ever allowed on loopback (RFC 8252 §7.3). */
    redirect_uri_hosts: z.array(hostPattern).default([]),
    /** Allow private-use URI schemes such as com.example.app:/cb for native apps (RFC 8252 §7.1). */
    allow_custom_schemes: z.boolean().default(false),
    /** The scopes a registered client may be given; a request for others is refused. */
    scopes: z.array(scopeTokenSchema).default(['openid', 'profile', 'email', 'offline_access']),
    /** RFC 8707: the APIs (their identifiers) every registered client may name as `resource`. */
    apis: z.array(resourceUriSchema).default([]),
    /** The grant types a registered client may be given. */
    grant_types: z.array(z.enum(REGISTRATION_GRANT_TYPES)).default(['authorization_code', 'refresh_token']),
    /** How registered clients may authenticate at the token endpoint (none makes a public client). */
    token_endpoint_auth_methods: z
      .array(z.enum(REGISTRATION_AUTH_METHODS))
      .min(1)
      .default(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    /** Seconds after which a registered client that was never used (or not used since) is removed; 0 keeps them. */
    unused_lifetime: z.number().int().min(0).default(2_592_000),
    /** Registrations one address may make per window (shared by every node); 0 turns the limit off. */
    rate_limit: z.number().int().min(0).default(10),
    /** The window of the rate limit, in seconds. */
    rate_window: z.number().int().positive().default(3_600),
  })
  .strict();

export type RegistrationPolicy = z.output<typeof registrationSchema>;

/** The policy when none is committed: registration off. */
export const DEFAULT_REGISTRATION: RegistrationPolicy = registrationSchema.parse({});

/** The committed policy (snapshot `registration`), or the default: what every node obeys from the commit on. */
export function registrationPolicy(snapshot: { readonly registration?: RegistrationPolicy | undefined }) {
  return snapshot.registration ?? DEFAULT_REGISTRATION;
}
