// Input shapes of the admin operations, derived from the one config schema so the API and the config agree.
import { z } from 'zod';
import {
  apiSchema,
  authenticatorSchema,
  type ClientInput,
  clientSchema,
  FACTOR_ROLES,
  htmlFormAuthenticatorSchema,
  oidcAuthenticatorSchema,
  scopeSchema,
} from '../config/schema.ts';
import { passkeyAuthenticatorSchema } from '../config/schema-authn.ts';
import { tokenExchangeSchema } from '../config/schema-exchange.ts';

/**
 * A copy of an object's fields, each optional and without its default: a patch names only what it
 * changes, and a default must never overwrite a stored value the patch left out. With `unset`, a
 * top-level field may also be null: that field goes back to its default (as in JSON Merge Patch).
 */
export function patchOf<T extends z.ZodRawShape>(shape: T, unset = false) {
  const out: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) {
    const bare = withoutDefault(field as z.ZodType);
    out[key] = (unset && !(bare instanceof z.ZodObject) ? bare.nullable() : bare).optional();
  }
  return z.object(out).strict();
}

function withoutDefault(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return withoutDefault(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodObject) return patchOf(schema.shape);
  return schema;
}

const { secret_hash: _hash, secret_sealed: _sealed, ...clientFields } = clientSchema.shape;
const { client_id: _id, secret: _secret, ...editableClientFields } = clientFields;

/** A new client; without `secret` a confidential client gets a generated one, returned once. */
export const clientCreateInput = z
  .object(clientFields)
  .strict()
  .meta({ description: 'A new client. Omit secret to have a strong one generated and returned once.' });

/** Changes to a client: only the fields given. The secret is changed with the secret operation only. */
export const clientPatchInput = patchOf(editableClientFields, true)
  // RFC 8693: the token-exchange policy is replaced as a whole, or removed with null.
  .extend({ token_exchange: tokenExchangeSchema.nullable().optional() })
  .meta({
    description:
      'Fields to change; null unsets a field (back to its default); refresh_token is merged field by field.',
  });

export const secretResetInput = z
  .object({ secret: clientSchema.shape.secret })
  .strict()
  .meta({ description: 'Omit secret to have a strong one generated.' });

export const scopeCreateInput = scopeSchema;

const { name: _name, ...editableScopeFields } = scopeSchema.shape;
export const scopePatchInput = patchOf(editableScopeFields);

export const apiCreateInput = apiSchema.meta({
  description: 'An API (resource server): clients name its identifier as `resource` (RFC 8707).',
});

const { identifier: _identifier, ...editableApiFields } = apiSchema.shape;
export const apiPatchInput = patchOf(editableApiFields, true).meta({
  description: 'Fields to change; null unsets a field (back to its default).',
});

/** A new authenticator; without `type` it is an html-form one (as before types were a union). */
export const authenticatorCreateInput = z.preprocess((value, ctx) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (!('type' in record)) return { ...record, type: 'html-form' };
  // The sealed form is Tessera's own: a provider's secret is given in plaintext and sealed on the way in.
  if ('client_secret_sealed' in record) {
    ctx.addIssue({
      code: 'custom',
      path: ['client_secret_sealed'],
      message: "give the provider's secret as client_secret: Tessera seals it",
    });
  }
  // An unknown type stops the union at its discriminator; the id is still checked, so both are reported.
  if (!Object.hasOwn(FACTOR_ROLES, String(record['type']))) {
    const id = htmlFormAuthenticatorSchema.shape.id.safeParse(record['id']);
    if (!id.success) for (const issue of id.error.issues) ctx.addIssue({ ...issue, path: ['id'] } as never);
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message: `unknown authenticator type: use ${Object.keys(FACTOR_ROLES).join(' or ')}`,
    });
  }
  return value;
}, authenticatorSchema);

const oidc = oidcAuthenticatorSchema.shape;

/**
 * What may change after creation: html-form's registration and email settings, TOTP's issuer label, passkey
 * settings, and every setting of another provider (oidc). Each field is checked against its type's schema
 * once merged, so a field of another type is refused by name.
 */
export const authenticatorPatchInput = patchOf({
  registration: htmlFormAuthenticatorSchema.shape.registration,
  require_verified_email: htmlFormAuthenticatorSchema.shape.require_verified_email,
  password_reset: htmlFormAuthenticatorSchema.shape.password_reset,
  issuer: z.string().max(2048).meta({
    description: "TOTP: the name authenticator apps show (totp); OIDC: the provider's issuer URL (oidc).",
  }),
  user_verification: passkeyAuthenticatorSchema.shape.user_verification,
  passwordless: passkeyAuthenticatorSchema.shape.passwordless,
  name: oidc.name,
  client_id: oidc.client_id,
  client_secret: z.string().min(1).max(512).meta({
    description: 'A new secret for the provider (oidc); omitted, the current one is kept. Write-only.',
  }),
  token_endpoint_auth_method: oidc.token_endpoint_auth_method,
  scopes: oidc.scopes,
  create_accounts: oidc.create_accounts,
  claims: oidc.claims,
  trust_upstream_authentication: oidc.trust_upstream_authentication,
});

export const commitInput = z
  .object({ message: z.string().trim().min(1, 'say what the change is for').max(500) })
  .strict();

/** A revision id in a path: the engines keep ids in 32-bit INTEGER columns, and PostgreSQL errors on a larger one. */
export const revisionId = z.coerce.number().int().min(1).max(2_147_483_647);

export const rollbackInput = z.object({ message: z.string().trim().min(1).max(500).optional() }).strict();

export type ClientCreateInput = z.input<typeof clientCreateInput>;
/** null: back to the default. */
type Unsettable<T> = { [K in keyof T]?: T[K] | null };
export type ClientPatch = Unsettable<
  Omit<ClientInput, 'client_id' | 'secret' | 'secret_hash' | 'secret_sealed' | 'refresh_token'>
> & { refresh_token?: Partial<NonNullable<ClientInput['refresh_token']>> };
export type ScopeCreateInput = z.input<typeof scopeCreateInput>;
export type ScopePatch = { description?: string; claims?: string[] };
export type ApiCreateInput = z.input<typeof apiCreateInput>;
export type ApiPatch = Unsettable<Omit<z.input<typeof apiSchema>, 'identifier'>>;
export type AuthenticatorCreateInput =
  | z.input<typeof authenticatorSchema>
  | Omit<z.input<typeof htmlFormAuthenticatorSchema>, 'type'>;
export type AuthenticatorPatch = {
  registration?: boolean;
  require_verified_email?: boolean;
  password_reset?: boolean;
  issuer?: string;
  user_verification?: 'required' | 'preferred';
  passwordless?: boolean;
  name?: string;
  client_id?: string;
  client_secret?: string;
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';
  scopes?: string[];
  create_accounts?: boolean;
  claims?: Record<string, string>;
  trust_upstream_authentication?: boolean;
};
