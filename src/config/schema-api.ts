// The API (resource server, RFC 8707) schema: what tokens for it contain and how long they live.
import { z } from 'zod';
import { resourceUriSchema, scopeTokenSchema } from './schema-parts.ts';

export const apiSchema = z
  .object({
    /** The resource indicator clients send as `resource`; the `aud` of tokens for this API. */
    identifier: resourceUriSchema,
    /** What people read in the admin; the identifier when absent. */
    name: z.string().max(200).optional(),
    /** The scopes this API accepts; a token for it carries only these. */
    scopes: z.array(scopeTokenSchema).default([]),
    /** jwt (RFC 9068, verifiable by the API itself) or opaque (checked through introspection). */
    access_token_format: z.enum(['opaque', 'jwt']).default('jwt'),
    /** Seconds an access token for this API lives. */
    access_token_lifetime: z.number().int().positive().max(86_400).default(300),
  })
  .strict();

export type ApiConfig = z.output<typeof apiSchema>;
