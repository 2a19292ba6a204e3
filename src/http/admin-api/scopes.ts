// Admin API: scopes and the claims they release; the OIDC standard scopes are listed but built in.
import { z } from 'zod';
import { scopeCreateInput, scopePatchInput } from '../../admin/inputs.ts';
import { type Snapshot, STANDARD_SCOPES } from '../../config/schema.ts';
import { operation } from './operation.ts';
import { scopeViewSchema } from './schemas.ts';

const byName = z.object({ name: z.string().min(1).max(200) });
const tag = 'Scopes';

const view = (snapshot: Snapshot, name: string) => {
  const found = snapshot.scopes.find((s) => s.name === name);
  return found && { ...found, built_in: false };
};

export const scopeOperations = [
  operation({
    method: 'GET',
    path: '/scopes',
    operationId: 'listScopes',
    summary: 'List scopes: the built-in OpenID Connect ones and your own',
    tag,
    responses: { 200: { description: 'The scopes', schema: z.object({ scopes: z.array(scopeViewSchema) }) } },
    async handle({ principal, service }) {
      const { snapshot } = await service.draft(principal);
      const builtIn = Object.entries(STANDARD_SCOPES).map(([name, claims]) => ({
        name,
        claims: [...claims],
        built_in: true,
      }));
      return {
        status: 200,
        body: { scopes: [...builtIn, ...snapshot.scopes.map((s) => ({ ...s, built_in: false }))] },
      };
    },
  }),
  operation({
    method: 'POST',
    path: '/scopes',
    operationId: 'createScope',
    summary: 'Create a scope in your draft',
    tag,
    body: scopeCreateInput,
    responses: { 201: { description: 'Created in your draft', schema: scopeViewSchema } },
    errors: [409],
    async handle({ body, principal, service }) {
      await service.createScope(principal, body);
      return { status: 201, body: view((await service.draft(principal)).snapshot, body.name) };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/scopes/{name}',
    operationId: 'updateScope',
    summary: 'Change the description or claims of a scope in your draft',
    tag,
    params: byName,
    body: scopePatchInput,
    responses: { 200: { description: 'Changed in your draft', schema: scopeViewSchema } },
    errors: [404],
    async handle({ params, body, principal, service }) {
      await service.updateScope(principal, params.name, body);
      return { status: 200, body: view((await service.draft(principal)).snapshot, params.name) };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/scopes/{name}',
    operationId: 'deleteScope',
    summary: 'Delete a scope in your draft',
    description: 'Clients still using it make the commit fail, naming them.',
    tag,
    params: byName,
    responses: { 204: { description: 'Deleted in your draft' } },
    errors: [404],
    async handle({ params, principal, service }) {
      await service.deleteScope(principal, params.name);
      return { status: 204 };
    },
  }),
];
