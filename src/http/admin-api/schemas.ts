// Response bodies of the admin API as zod schemas: they document the API and the tests check real answers against them.
import { z } from 'zod';
import {
  apiSchema,
  clientSchema,
  htmlFormAuthenticatorSchema,
  oidcAuthenticatorSchema,
  scopeSchema,
  totpAuthenticatorSchema,
} from '../../config/schema.ts';
import { passkeyAuthenticatorSchema } from '../../config/schema-authn.ts';

export const issueSchema = z.object({ path: z.string(), message: z.string() });

export const errorSchema = z.object({
  error: z.enum([
    'invalid_request',
    'invalid_config',
    'not_found',
    'duplicate',
    'conflict',
    'merge_conflict',
    'no_changes',
    'refused',
    'throttled',
    'mail_failed',
    'unauthorized',
    'server_error',
  ]),
  error_description: z.string(),
  /** Every wrong field, each with its path. */
  issues: z.array(issueSchema).optional(),
  /** For conflict: the revision that is live now, to rebase on. */
  current: z.number().int().nullable().optional(),
});

const {
  secret: _secret,
  secret_hash: _hash,
  secret_sealed: _sealed,
  ...visibleClientFields
} = clientSchema.shape;

export const clientViewSchema = z.object({
  ...visibleClientFields,
  has_secret: z.boolean().meta({ description: 'A secret is set; it can be reset but never read.' }),
});

export const clientResultSchema = z.object({
  client: clientViewSchema,
  client_secret: z.string().optional().meta({
    description:
      'A new secret, shown this once. It is stored only as a keyed hash (sealed under the master key for client_secret_jwt).',
  }),
});

export const scopeViewSchema = z.object({
  ...scopeSchema.shape,
  built_in: z.boolean().meta({ description: 'An OpenID Connect standard scope; it cannot be edited.' }),
});

export const apiViewSchema = z.object({
  ...apiSchema.shape,
  clients: z.array(z.string()).meta({ description: 'The clients allowed to get tokens for this API.' }),
});

const {
  client_secret: _clientSecret,
  client_secret_sealed: _clientSecretSealed,
  ...visibleOidcFields
} = oidcAuthenticatorSchema.shape;

/** An authenticator as the API shows it: another provider's client secret only as the fact that one is set. */
export const authenticatorViewSchema = z.discriminatedUnion('type', [
  htmlFormAuthenticatorSchema,
  totpAuthenticatorSchema,
  passkeyAuthenticatorSchema,
  z.object({
    ...visibleOidcFields,
    has_client_secret: z
      .boolean()
      .meta({ description: "The provider's client secret is set; it is write-only and never shown." }),
  }),
]);

export const providerCheckSchema = z.object({
  ok: z.boolean().meta({ description: 'The discovery document was found and names this issuer.' }),
  problem: z.enum(['invalid_issuer', 'unreachable', 'not_a_provider', 'issuer_mismatch']).optional(),
  message: z.string().meta({ description: 'What was found, in words.' }),
  authorizationEndpoint: z.string().optional(),
  notes: z.array(z.string()).optional().meta({ description: 'What would stop or weaken sign-ins.' }),
});

const fieldChangeSchema = z.object({
  field: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const changeSchema = z.object({
  kind: z.enum(['authenticator', 'scope', 'api', 'client']),
  id: z.string(),
  action: z.enum(['added', 'removed', 'changed']),
  fields: z.array(fieldChangeSchema),
});

export const draftSchema = z.object({
  exists: z.boolean().meta({ description: 'False when you have no pending edits.' }),
  base: z.number().int().nullable().meta({ description: 'The revision your draft was started from.' }),
  current: z.number().int().nullable().meta({ description: 'The revision that is live now.' }),
  stale: z.boolean().meta({ description: 'The live revision moved on: rebase before committing.' }),
  changes: z.array(changeSchema),
  issues: z.array(issueSchema).meta({ description: 'What would make a commit fail right now.' }),
});

export const revisionSummarySchema = z.object({
  id: z.number().int(),
  parent: z.number().int().nullable(),
  author: z.string(),
  message: z.string(),
  created_at: z.number().int().meta({ description: 'Seconds since the epoch.' }),
});

export const revisionDetailSchema = revisionSummarySchema.extend({
  live: z.boolean(),
  changes: z
    .array(changeSchema)
    .meta({ description: 'What this revision changed, compared with its parent.' }),
  snapshot: z.object({
    authenticators: z.array(authenticatorViewSchema),
    scopes: z.array(scopeSchema),
    apis: z.array(apiSchema),
    clients: z.array(clientViewSchema),
  }),
});

const endpointList = z.record(z.string(), z.string());

export const profilesSchema = z.object({
  token_service: z.object({ issuer: z.string(), endpoints: endpointList, clients: z.number().int() }),
  authentication_service: z.object({
    endpoints: endpointList,
    authenticators: z.array(z.intersection(authenticatorViewSchema, z.object({ login: z.string() }))),
  }),
});
