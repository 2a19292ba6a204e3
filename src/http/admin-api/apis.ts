// Admin API: the APIs (resource servers, RFC 8707) clients may get tokens for, by their identifier.
import { z } from 'zod';
import { clientsNaming } from '../../admin/api-edits.ts';
import { notFound } from '../../admin/errors.ts';
import { apiCreateInput, apiPatchInput } from '../../admin/inputs.ts';
import type { Snapshot } from '../../config/schema.ts';
import { operation } from './operation.ts';
import { apiViewSchema } from './schemas.ts';

const byIdentifier = z.object({
  identifier: z.string().min(1).max(2000).meta({
    description: 'The API identifier, percent-encoded: https%3A%2F%2Fapi.example.com',
  }),
});
const tag = 'APIs';

const view = (snapshot: Snapshot, identifier: string) => {
  const found = snapshot.apis.find((a) => a.identifier === identifier);
  if (!found) throw notFound(`API "${identifier}"`);
  return { ...found, clients: clientsNaming(snapshot, identifier) };
};

export const apiOperations = [
  operation({
    method: 'GET',
    path: '/apis',
    operationId: 'listApis',
    summary: 'List the APIs (resource servers) and the clients allowed to use each',
    tag,
    responses: { 200: { description: 'The APIs', schema: z.object({ apis: z.array(apiViewSchema) }) } },
    async handle({ principal, service }) {
      const { snapshot } = await service.draft(principal);
      return { status: 200, body: { apis: snapshot.apis.map((a) => view(snapshot, a.identifier)) } };
    },
  }),
  operation({
    method: 'POST',
    path: '/apis',
    operationId: 'createApi',
    summary: 'Create an API in your draft',
    description: 'Clients name it by `identifier` as `resource` (RFC 8707); its tokens have it as `aud`.',
    tag,
    body: apiCreateInput,
    responses: { 201: { description: 'Created in your draft', schema: apiViewSchema } },
    errors: [409],
    async handle({ body, principal, service }) {
      await service.createApi(principal, body);
      return { status: 201, body: view((await service.draft(principal)).snapshot, body.identifier) };
    },
  }),
  operation({
    method: 'GET',
    path: '/apis/{identifier}',
    operationId: 'getApi',
    summary: 'Read one API',
    tag,
    params: byIdentifier,
    responses: { 200: { description: 'The API', schema: apiViewSchema } },
    errors: [404],
    async handle({ params, principal, service }) {
      return { status: 200, body: view((await service.draft(principal)).snapshot, params.identifier) };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/apis/{identifier}',
    operationId: 'updateApi',
    summary: 'Change the name, scopes, token format or lifetime of an API in your draft',
    tag,
    params: byIdentifier,
    body: apiPatchInput,
    responses: { 200: { description: 'Changed in your draft', schema: apiViewSchema } },
    errors: [404],
    async handle({ params, body, principal, service }) {
      await service.updateApi(principal, params.identifier, body);
      return { status: 200, body: view((await service.draft(principal)).snapshot, params.identifier) };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/apis/{identifier}',
    operationId: 'deleteApi',
    summary: 'Delete an API in your draft',
    description:
      'Clients still allowed to use it make the commit fail, naming each of them; `still_named_by` lists them now.',
    tag,
    params: byIdentifier,
    responses: {
      200: {
        description: 'Deleted in your draft',
        schema: z.object({
          still_named_by: z.array(z.string()).meta({
            description: 'Clients that still allow the API: the commit is refused until none does.',
          }),
        }),
      },
    },
    errors: [404],
    async handle({ params, principal, service }) {
      return { status: 200, body: { still_named_by: await service.deleteApi(principal, params.identifier) } };
    },
  }),
];
