// Token exchange (RFC 8693) in config: a client's exchange policy and the external issuers whose JWTs are trusted.
import { z } from 'zod';
import { fetchUrlSchema, resourceUriSchema } from './schema-parts.ts';

/** RFC 8693 §3: the token types a subject or actor token may be; `jwt` only from a trusted issuer. */
export const EXCHANGE_TOKEN_TYPES = ['access_token', 'refresh_token', 'id_token', 'jwt'] as const;
export type ExchangeTokenType = (typeof EXCHANGE_TOKEN_TYPES)[number];

/** A JWK Set by value (RFC 7517 §5); each key is checked when it is used. */
const jwksSchema = z
  .object({
    keys: z
      .array(z.record(z.string(), z.unknown()))
      .min(1, 'a JWK Set needs at least one key')
      .describe('The public keys (JWKs), each with its kty and, when there are several, a kid.'),
  })
  .strict();

/** Off unless set: every kind of exchange this client may make. */
export const tokenExchangeSchema = z
  .object({
    /** The token types the client may present as subject_token. */
    subject_token_types: z
      .array(z.enum(EXCHANGE_TOKEN_TYPES))
      .min(1)
      .describe(
        'The token types the client may present as `subject_token` (RFC 8693 §3); `jwt` only from a trusted issuer.',
      ),
    /** The token types it may present as actor_token (delegation). */
    actor_token_types: z
      .array(z.enum(EXCHANGE_TOKEN_TYPES))
      .default([])
      .describe('The token types it may present as `actor_token` (delegation).'),
    /** The APIs (their identifiers) an exchanged token may be for, named with resource or audience. */
    audiences: z
      .array(resourceUriSchema)
      .min(1)
      .describe(
        'Identifiers of the APIs an exchanged token may be for, named with `resource` or `audience`; each must be a configured API.',
      ),
    /** Issue a token that stands for the subject alone, with no actor named (§1.1). */
    impersonation: z
      .boolean()
      .default(false)
      .describe('Issue a token that stands for the subject alone, no actor named (§1.1).'),
    /** Issue a token that names an actor with the act claim (§1.1, §4.1); needs actor_token_types. */
    delegation: z
      .boolean()
      .default(false)
      .describe('Issue a token naming the actor in an `act` claim (§1.1, §4.1); needs `actor_token_types`.'),
    /** The trusted issuers (their issuer URLs) whose JWTs it may present, as subject or actor. */
    trusted_issuers: z
      .array(z.string())
      .default([])
      .describe('Issuer URLs (from `trusted_issuers`) whose JWTs it may present, as subject or actor.'),
    /** Other clients whose access tokens it may present (a gateway exchanging its callers' tokens). */
    subject_clients: z
      .array(z.string())
      .default([])
      .describe(
        "Other clients whose access tokens it may present (a gateway exchanging its callers' tokens); its own are always accepted.",
      ),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!p.impersonation && !p.delegation)
      issue('impersonation', 'allow impersonation, delegation or both (or turn token exchange off)');
    if (p.delegation && p.actor_token_types.length === 0)
      issue('actor_token_types', 'delegation needs at least one actor token type');
    if (!p.delegation && p.actor_token_types.length > 0)
      issue('actor_token_types', 'actor tokens are only read when delegation is allowed');
    const jwt = p.subject_token_types.includes('jwt') || p.actor_token_types.includes('jwt');
    if (jwt && p.trusted_issuers.length === 0)
      issue('trusted_issuers', 'the jwt token type needs at least one trusted issuer');
    if (!jwt && p.trusted_issuers.length > 0)
      issue('trusted_issuers', 'trusted issuers are only read for the jwt token type');
  });

/** An external issuer whose JWTs may be exchanged, with the keys they are verified with. */
export const trustedIssuerSchema = z
  .object({
    /** The iss value its JWTs carry (an https URL). */
    issuer: fetchUrlSchema,
    name: z.string().max(200).optional().describe('A name people know it by (admin pages).'),
    /** Its public keys by value... */
    jwks: jwksSchema.optional(),
    /** ...or where to fetch them (behind the SSRF guard, cached). */
    jwks_uri: fetchUrlSchema.optional(),
  })
  .strict()
  .refine((t) => (t.jwks === undefined) !== (t.jwks_uri === undefined), {
    message: 'a trusted issuer needs its keys: jwks or jwks_uri, exactly one',
    path: ['jwks'],
  });

export type TokenExchangeConfig = z.output<typeof tokenExchangeSchema>;
export type TrustedIssuerConfig = z.output<typeof trustedIssuerSchema>;

/** Cross-references: audiences are configured APIs, trusted issuers are declared, each issuer once. */
export function exchangeCrossCheck(
  snapshot: {
    apis: readonly { identifier: string }[];
    trusted_issuers?: readonly { issuer: string }[] | undefined;
    clients: readonly { token_exchange?: TokenExchangeConfig | undefined }[];
  },
  at: (...path: PropertyKey[]) => string,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const issuers = new Set<string>();
  (snapshot.trusted_issuers ?? []).forEach((t, i) => {
    if (issuers.has(t.issuer))
      issues.push({ path: at('trusted_issuers', i, 'issuer'), message: `duplicate issuer "${t.issuer}"` });
    issuers.add(t.issuer);
  });
  const apis = new Set(snapshot.apis.map((a) => a.identifier));
  snapshot.clients.forEach((c, i) => {
    const policy = c.token_exchange;
    if (!policy) return;
    policy.audiences.forEach((aud, j) => {
      if (!apis.has(aud))
        issues.push({
          path: at('clients', i, 'token_exchange', 'audiences', j),
          message: `no API with identifier "${aud}"`,
        });
    });
    policy.trusted_issuers.forEach((iss, j) => {
      if (!issuers.has(iss))
        issues.push({
          path: at('clients', i, 'token_exchange', 'trusted_issuers', j),
          message: `no trusted issuer "${iss}"`,
        });
    });
  });
  return issues;
}
