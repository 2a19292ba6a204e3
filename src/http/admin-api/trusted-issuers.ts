// Admin API: trusted issuers (RFC 8693), whose JWTs clients with a token-exchange policy may present.
import { z } from 'zod';
import { notFound } from '../../admin/errors.ts';
import { clientsTrusting } from '../../admin/trusted-issuer-edits.ts';
import type { Snapshot } from '../../config/schema.ts';
import { trustedIssuerSchema } from '../../config/schema-exchange.ts';
import { operation } from './operation.ts';

const byIssuer = z.object({
  issuer: z.string().min(1).max(2000).meta({
    description: 'The issuer URL, percent-encoded: https%3A%2F%2Fidp.example.com',
  }),
});
const tag = 'Trusted issuers';

const trustedIssuerViewSchema = trustedIssuerSchema.safeExtend({
  clients: z.array(z.string()).meta({ description: 'Clients whose token-exchange policy trusts it.' }),
});

const view = (snapshot: Snapshot, issuer: string) => {
  const found = (snapshot.trusted_issuers ?? []).find((t) => t.issuer === issuer);
  if (!found) throw notFound(`trusted issuer "${issuer}"`);
  return { ...found, clients: clientsTrusting(snapshot, issuer) };
};

const { issuer: _issuer, ...editable } = trustedIssuerSchema.shape;
const trustedIssuerPatch = z
  .object(editable)
  .strict()
  .meta({ description: 'The name and keys (jwks or jwks_uri, exactly one); replaces them as a whole.' });

export const trustedIssuerOperations = [
  operation({
    method: 'GET',
    path: '/trusted-issuers',
    operationId: 'listTrustedIssuers',
    summary: 'List the trusted issuers and the clients that trust each',
    tag,
    responses: {
      200: {
        description: 'The trusted issuers',
        schema: z.object({ trusted_issuers: z.array(trustedIssuerViewSchema) }),
      },
    },
    async handle({ principal, service }) {
      const { snapshot } = await service.draft(principal);
      const list = (snapshot.trusted_issuers ?? []).map((t) => view(snapshot, t.issuer));
      return { status: 200, body: { trusted_issuers: list } };
    },
  }),
  operation({
    method: 'POST',
    path: '/trusted-issuers',
    operationId: 'createTrustedIssuer',
    summary: 'Trust an external issuer in your draft',
    description:
      'Its JWTs are verified with jwks (by value) or jwks_uri (fetched behind the SSRF guard, cached).',
    tag,
    body: trustedIssuerSchema,
    responses: { 201: { description: 'Created in your draft', schema: trustedIssuerViewSchema } },
    errors: [409],
    async handle({ body, principal, service }) {
      await service.createTrustedIssuer(principal, body);
      return { status: 201, body: view((await service.draft(principal)).snapshot, body.issuer) };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/trusted-issuers/{issuer}',
    operationId: 'updateTrustedIssuer',
    summary: 'Replace the name and keys of a trusted issuer in your draft',
    tag,
    params: byIssuer,
    body: trustedIssuerPatch,
    responses: { 200: { description: 'Changed in your draft', schema: trustedIssuerViewSchema } },
    errors: [404],
    async handle({ params, body, principal, service }) {
      await service.updateTrustedIssuer(principal, params.issuer, body);
      return { status: 200, body: view((await service.draft(principal)).snapshot, params.issuer) };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/trusted-issuers/{issuer}',
    operationId: 'deleteTrustedIssuer',
    summary: 'Stop trusting an issuer in your draft',
    description: 'Clients that still trust it make the commit fail, naming each of them.',
    tag,
    params: byIssuer,
    responses: {
      200: {
        description: 'Deleted in your draft',
        schema: z.object({
          still_named_by: z.array(z.string()).meta({ description: 'Clients whose policy still trusts it.' }),
        }),
      },
    },
    errors: [404],
    async handle({ params, principal, service }) {
      return {
        status: 200,
        body: { still_named_by: await service.deleteTrustedIssuer(principal, params.issuer) },
      };
    },
  }),
];
