// Admin API: authenticators (html-form logins with registration on or off, TOTP second factors).
import { z } from 'zod';
import { notFound } from '../../admin/errors.ts';
import { authenticatorCreateInput, authenticatorPatchInput } from '../../admin/inputs.ts';
import type { Snapshot } from '../../config/schema.ts';
import { operation } from './operation.ts';
import { authenticatorViewSchema } from './schemas.ts';

const byId = z.object({ id: z.string().min(1).max(100) });
const tag = 'Authenticators';

const view = (snapshot: Snapshot, id: string) => {
  const found = snapshot.authenticators.find((a) => a.id === id);
  if (!found) throw notFound(`authenticator "${id}"`);
  return found;
};

export const authenticatorOperations = [
  operation({
    method: 'GET',
    path: '/authenticators',
    operationId: 'listAuthenticators',
    summary: 'List authenticators',
    tag,
    responses: {
      200: {
        description: 'The authenticators',
        schema: z.object({ authenticators: z.array(authenticatorViewSchema) }),
      },
    },
    async handle({ principal, service }) {
      return {
        status: 200,
        body: { authenticators: (await service.draft(principal)).snapshot.authenticators },
      };
    },
  }),
  operation({
    method: 'POST',
    path: '/authenticators',
    operationId: 'createAuthenticator',
    summary: 'Create an authenticator (html-form or totp) in your draft',
    tag,
    body: authenticatorCreateInput,
    responses: { 201: { description: 'Created in your draft', schema: authenticatorViewSchema } },
    errors: [409],
    async handle({ body, principal, service }) {
      await service.createAuthenticator(principal, body);
      return { status: 201, body: view((await service.draft(principal)).snapshot, body.id) };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/authenticators/{id}',
    operationId: 'updateAuthenticator',
    summary: 'Turn account registration on or off (html-form), or rename the app label (totp), in your draft',
    tag,
    params: byId,
    body: authenticatorPatchInput,
    responses: { 200: { description: 'Changed in your draft', schema: authenticatorViewSchema } },
    errors: [404],
    async handle({ params, body, principal, service }) {
      await service.updateAuthenticator(principal, params.id, body);
      return { status: 200, body: view((await service.draft(principal)).snapshot, params.id) };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/authenticators/{id}',
    operationId: 'deleteAuthenticator',
    summary: 'Delete an authenticator in your draft',
    description: 'Clients still using it make the commit fail, naming them.',
    tag,
    params: byId,
    responses: { 204: { description: 'Deleted in your draft' } },
    errors: [404],
    async handle({ params, principal, service }) {
      await service.deleteAuthenticator(principal, params.id);
      return { status: 204 };
    },
  }),
];
