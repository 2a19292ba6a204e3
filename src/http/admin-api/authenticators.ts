// Admin API: authenticators of every type (html-form, totp, passkey, and other providers through OpenID
// Connect, whose client secret is write-only), and the check of a provider's discovery document.
import { z } from 'zod';
import { notFound } from '../../admin/errors.ts';
import { authenticatorCreateInput, authenticatorPatchInput } from '../../admin/inputs.ts';
import { authenticatorView } from '../../admin/views.ts';
import type { Snapshot } from '../../config/schema.ts';
import { oidcAuthenticatorSchema } from '../../config/schema.ts';
import { operation } from './operation.ts';
import { authenticatorViewSchema, providerCheckSchema } from './schemas.ts';

const byId = z.object({ id: z.string().min(1).max(100) });
const tag = 'Authenticators';

const view = (snapshot: Snapshot, id: string) => {
  const found = snapshot.authenticators.find((a) => a.id === id);
  if (!found) throw notFound(`authenticator "${id}"`);
  return authenticatorView(found);
};

const checkInput = z
  .object({
    issuer: z.string().min(1).max(2048),
    token_endpoint_auth_method: oidcAuthenticatorSchema.shape.token_endpoint_auth_method.unwrap().optional(),
  })
  .strict();

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
      const { snapshot } = await service.draft(principal);
      return { status: 200, body: { authenticators: snapshot.authenticators.map(authenticatorView) } };
    },
  }),
  operation({
    method: 'POST',
    path: '/authenticators',
    operationId: 'createAuthenticator',
    summary: 'Create an authenticator (html-form, totp, passkey or oidc) in your draft',
    description:
      'For oidc, client_secret is the secret the provider issued: it is sealed under the master key at once and never returned (has_client_secret says one is set). openid is added to scopes when missing.',
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
    method: 'POST',
    path: '/authenticators/check-provider',
    operationId: 'checkProvider',
    summary: 'Check another provider: fetch its discovery document and say what was found',
    description:
      'Fetched through the same guard as other outbound requests (no private or link-local addresses, a timeout and a size limit, no redirects). Nothing is saved.',
    tag,
    body: checkInput,
    responses: { 200: { description: 'What the check found', schema: providerCheckSchema } },
    async handle({ body, service }) {
      return { status: 200, body: await service.checkProvider(body.issuer, body.token_endpoint_auth_method) };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/authenticators/{id}',
    operationId: 'updateAuthenticator',
    summary: 'Change the settings given of an authenticator in your draft',
    description:
      'html-form: registration, require_verified_email, password_reset; totp: issuer (the app label); passkey: user_verification, passwordless; oidc: any of its settings. An oidc client_secret left out keeps the current one; a new one replaces it.',
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
    description: 'Clients or policies still using it make the commit fail, naming them.',
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
