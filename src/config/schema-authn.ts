// The Authentication Service's config: authenticators (a union on `type`) and authentication policies.
import { z } from 'zod';

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');

/** Username and password on a form: a first factor (it creates the SSO session). */
export const htmlFormAuthenticatorSchema = z
  .object({
    id: idSchema,
    type: z.literal('html-form'),
    registration: z.boolean().default(true),
    /** The first login completes only once the account's email address is verified by a link sent to it. */
    require_verified_email: z.boolean().optional(),
    /** "Forgot password?" on the login page: a single-use reset link by email; absent means on. */
    password_reset: z.boolean().optional(),
  })
  .strict();

/** RFC 6238 time-based one-time codes from an authenticator app: a second factor only. */
export const totpAuthenticatorSchema = z
  .object({
    id: idSchema,
    type: z.literal('totp'),
    /** The name authenticator apps show next to the account (the otpauth URI's issuer). */
    issuer: z.string().trim().min(1).max(64).default('Tessera'),
  })
  .strict();

/** WebAuthn passkeys: a first factor (passwordless, discoverable credentials) or a second factor after a password. */
export const passkeyAuthenticatorSchema = z
  .object({
    id: idSchema,
    type: z.literal('passkey'),
    /** WebAuthn L3 §5.8.6: `required` refuses a passkey that did not check a PIN or biometric. */
    user_verification: z.enum(['required', 'preferred']).default('required'),
    /** Whether a passkey alone signs a person in (the login page offers it); off: only after a password. */
    passwordless: z.boolean().default(true),
  })
  .strict();

/**
 * Login through another OpenID Provider (a company IdP, Google): a first factor. Tessera runs a code flow
 * with PKCE, state and nonce against `issuer` and signs in the local account linked to the upstream
 * (issuer, sub) pair, never one matched by an unverified email.
 */
export const oidcAuthenticatorSchema = z
  .object({
    id: idSchema,
    type: z.literal('oidc'),
    /** What the login page's button says after "Sign in with": the provider's name. */
    name: z.string().trim().min(1).max(64),
    /** The upstream issuer identifier; its discovery document is read from /.well-known/openid-configuration. */
    issuer: z.url({ protocol: /^https?$/ }),
    /** The client ID the provider issued to Tessera. */
    client_id: z.string().min(1).max(255),
    /** Given in plaintext (config file, admin API); committed only as client_secret_sealed. */
    client_secret: z.string().min(1).max(512).optional(),
    /** The secret sealed under the master key's data key (keys/sealed-authn.ts); never shown again. */
    client_secret_sealed: z.string().optional(),
    /** How Tessera authenticates at the upstream token endpoint. */
    token_endpoint_auth_method: z
      .enum(['client_secret_basic', 'client_secret_post', 'none'])
      .default('client_secret_basic'),
    /** Scopes asked of the upstream (RFC 6749 §3.3 tokens); openid is added when missing, repeats are dropped. */
    scopes: z
      .array(
        z
          .string()
          .max(200)
          .regex(
            /^[\x21\x23-\x5b\x5d-\x7e]+$/,
            'a scope is printable characters without spaces, quotes or backslashes',
          ),
      )
      .max(30)
      .overwrite((scopes) => [...new Set(scopes.includes('openid') ? scopes : ['openid', ...scopes])])
      .default(['openid', 'profile', 'email']),
    /** Just-in-time accounts: an unknown upstream identity creates a local account; off, it must be linked. */
    create_accounts: z.boolean().default(false),
    /** Local profile claim -> upstream claim it is filled from (at account creation and each login). */
    claims: z
      .record(z.string(), z.string())
      .default({ name: 'name', given_name: 'given_name', family_name: 'family_name', email: 'email' }),
    /** Carry the upstream's acr and amr into local ID tokens: only for an upstream trusted to report them. */
    trust_upstream_authentication: z.boolean().default(false),
  })
  .strict();

/** Every authenticator type; a new type adds its schema here and its folder in authn/authenticators. */
export const authenticatorSchema = z.discriminatedUnion('type', [
  htmlFormAuthenticatorSchema,
  totpAuthenticatorSchema,
  passkeyAuthenticatorSchema,
  oidcAuthenticatorSchema,
]);

export type AuthenticatorTypeName = z.output<typeof authenticatorSchema>['type'];

/**
 * Where a type may stand in a policy: `first` makes a session (first step only), `second` adds a factor
 * to a session of its account (never the first step), `either` does both (passkeys). authn's registry
 * declares the same role per type; config validation reads it here because config imports no authn code.
 */
export const FACTOR_ROLES: Readonly<Record<AuthenticatorTypeName, 'first' | 'second' | 'either'>> = {
  'html-form': 'first',
  totp: 'second',
  passkey: 'either',
  oidc: 'first',
};

export const factorRole = (type: string): 'first' | 'second' | 'either' | undefined =>
  Object.hasOwn(FACTOR_ROLES, type) ? FACTOR_ROLES[type as AuthenticatorTypeName] : undefined;

/**
 * An authentication policy: steps run in order, each step one of its alternatives, e.g.
 * [[username-password], [totp, passkey]] is "password, then TOTP or a passkey".
 */
export const policySchema = z
  .object({
    /** Identifier; clients name it in `authentication_policies`. */
    id: idSchema,
    /** What admins see it called; default: its id. */
    name: z.string().trim().min(1).max(100).optional(),
    /** The acr value (OIDC Core §2) its ID tokens carry; default urn:tessera:policy:<id>. */
    acr: z
      .string()
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces (acr_values is space-separated)')
      .max(200)
      .optional(),
    /** Steps in order; each is a list of alternative authenticator ids, any one of which meets it. */
    steps: z
      .array(z.array(z.string()).min(1, 'a step needs at least one authenticator'))
      .min(1, 'a policy needs at least one step'),
    /** A user without a factor a step needs is led to enrol it at login rather than locked out. */
    enrol: z.boolean().default(true),
  })
  .strict();

export type PolicyConfig = z.output<typeof policySchema>;

export const policyAcr = (p: Pick<PolicyConfig, 'id' | 'acr'>): string =>
  p.acr ?? `urn:tessera:policy:${p.id}`;
