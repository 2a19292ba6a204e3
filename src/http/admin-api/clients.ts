// Admin API: clients in the caller's draft (list and search, create, read, change, reset the secret, delete).
import { z } from 'zod';
import { notFound } from '../../admin/errors.ts';
import { clientCreateInput, clientPatchInput, secretResetInput } from '../../admin/inputs.ts';
import type { ClientResult } from '../../admin/service.ts';
import { clientView, searchClients } from '../../admin/views.ts';
import { operation } from './operation.ts';
import { clientResultSchema, clientViewSchema } from './schemas.ts';

const byId = z.object({ client_id: z.string().min(1).max(128) });
const tag = 'Clients';

/** The wire name of a new secret follows RFC 7591 (dynamic registration responses). */
const result = (r: ClientResult) => ({
  client: r.client,
  ...(r.secret === undefined ? {} : { client_secret: r.secret }),
});

export const clientOperations = [
  operation({
    method: 'GET',
    path: '/clients',
    operationId: 'listClients',
    summary: 'List clients, or search them by id, name or redirect URI',
    description: 'Reads show your draft: the live configuration plus your uncommitted edits.',
    tag,
    query: z.object({ q: z.string().max(200).optional() }),
    responses: {
      200: { description: 'The clients', schema: z.object({ clients: z.array(clientViewSchema) }) },
    },
    async handle({ query, principal, service }) {
      const { snapshot } = await service.draft(principal);
      return { status: 200, body: { clients: searchClients(snapshot.clients, query.q).map(clientView) } };
    },
  }),
  operation({
    method: 'POST',
    path: '/clients',
    operationId: 'createClient',
    summary: 'Create a client in your draft',
    description:
      'Without `secret`, a confidential client gets a generated 256-bit secret, returned once as `client_secret`.',
    tag,
    body: clientCreateInput,
    responses: { 201: { description: 'Created in your draft', schema: clientResultSchema } },
    errors: [409],
    async handle({ body, principal, service }) {
      return { status: 201, body: result(await service.createClient(principal, body)) };
    },
  }),
  operation({
    method: 'GET',
    path: '/clients/{client_id}',
    operationId: 'getClient',
    summary: 'Read one client (never its secret)',
    tag,
    params: byId,
    responses: { 200: { description: 'The client', schema: clientViewSchema } },
    errors: [404],
    async handle({ params, principal, service }) {
      const { snapshot } = await service.draft(principal);
      const client = snapshot.clients.find((c) => c.client_id === params.client_id);
      if (!client) throw notFound(`client "${params.client_id}"`);
      return { status: 200, body: clientView(client) };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/clients/{client_id}',
    operationId: 'updateClient',
    summary: 'Change fields of a client in your draft',
    tag,
    params: byId,
    body: clientPatchInput,
    responses: { 200: { description: 'Changed in your draft', schema: clientResultSchema } },
    errors: [404],
    async handle({ params, body, principal, service }) {
      return { status: 200, body: result(await service.updateClient(principal, params.client_id, body)) };
    },
  }),
  operation({
    method: 'POST',
    path: '/clients/{client_id}/secret',
    operationId: 'resetClientSecret',
    summary: 'Replace the client secret',
    description: 'The new secret is returned once; the old one works until you commit.',
    tag,
    params: byId,
    body: secretResetInput,
    responses: { 200: { description: 'Replaced in your draft', schema: clientResultSchema } },
    errors: [404],
    async handle({ params, body, principal, service }) {
      return {
        status: 200,
        body: result(await service.resetSecret(principal, params.client_id, body.secret)),
      };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/clients/{client_id}',
    operationId: 'deleteClient',
    summary: 'Delete a client in your draft',
    tag,
    params: byId,
    responses: { 204: { description: 'Deleted in your draft' } },
    errors: [404],
    async handle({ params, principal, service }) {
      await service.deleteClient(principal, params.client_id);
      return { status: 204 };
    },
  }),
];
