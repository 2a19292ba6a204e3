// Admin API: dynamically registered clients (RFC 7591) and the initial access tokens that let clients register.
import { z } from 'zod';
import { authorName } from '../../admin/principal.ts';
import { AdminError, type RegistrationAdmin } from '../../admin/registration.ts';
import type { AdminService } from '../../admin/service.ts';
import { registrationPolicy, registrationSchema } from '../../config/schema-registration.ts';
import { operation } from './operation.ts';

const tag = 'Dynamic registration';
const byClient = z.object({ client_id: z.string().min(1).max(128) });
const byToken = z.object({ id: z.string().min(1).max(64) });

const clientSchema = z.object({
  client_id: z.string(),
  name: z.string(),
  redirect_uris: z.array(z.string()),
  registered_by: z.string().meta({ description: 'The initial access token label, or open registration.' }),
  address: z.string(),
  created_at: z.number().int(),
  last_used_at: z.number().int().nullable(),
  disabled: z.boolean(),
});
const tokenSchema = z.object({
  id: z.string(),
  label: z.string(),
  created_at: z.number().int(),
  expires_at: z.number().int().nullable(),
  uses_left: z.number().int().nullable(),
  revoked: z.boolean(),
  usable: z.boolean(),
});

/** The policy's fields, each optional and without its default: what a PATCH names, it changes. */
const policyPatch = z
  .object(
    Object.fromEntries(
      Object.entries(registrationSchema.shape).map(([k, v]) => [
        k,
        (v instanceof z.ZodDefault ? v.unwrap() : v).optional(),
      ]),
    ),
  )
  .strict();
const policyView = z.object({ registration: registrationSchema });

function registration(service: AdminService): RegistrationAdmin {
  const found = service.deps.registration;
  if (!found) throw new AdminError('not_found', 'dynamic registration is not available');
  return found;
}

export const registrationOperations = [
  operation({
    method: 'GET',
    path: '/registration/clients',
    operationId: 'listRegisteredClients',
    summary: 'Clients that registered themselves, newest first',
    tag,
    responses: { 200: { description: 'The clients', schema: z.object({ clients: z.array(clientSchema) }) } },
    async handle({ service }) {
      return { status: 200, body: { clients: await registration(service).clients() } };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/registration/clients/{client_id}',
    operationId: 'updateRegisteredClient',
    summary: 'Disable or enable a registered client',
    tag,
    params: byClient,
    body: z.object({ disabled: z.boolean() }).strict(),
    responses: { 204: { description: 'Changed; every node follows within seconds' } },
    errors: [404],
    async handle({ params, body, principal, service }) {
      await registration(service).setDisabled(authorName(principal), params.client_id, body.disabled);
      return { status: 204 };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/registration/clients/{client_id}',
    operationId: 'deleteRegisteredClient',
    summary: 'Delete a registered client; its tokens stop working',
    tag,
    params: byClient,
    responses: { 204: { description: 'Deleted' } },
    errors: [404],
    async handle({ params, principal, service }) {
      await registration(service).delete(authorName(principal), params.client_id);
      return { status: 204 };
    },
  }),
  operation({
    method: 'GET',
    path: '/registration/tokens',
    operationId: 'listInitialAccessTokens',
    summary: 'Initial access tokens (never the tokens themselves)',
    tag,
    responses: { 200: { description: 'The tokens', schema: z.object({ tokens: z.array(tokenSchema) }) } },
    async handle({ service }) {
      return { status: 200, body: { tokens: await registration(service).tokens() } };
    },
  }),
  operation({
    method: 'POST',
    path: '/registration/tokens',
    operationId: 'createInitialAccessToken',
    summary: 'Create an initial access token; the response shows it once',
    tag,
    body: z
      .object({
        label: z.string().min(1).max(80),
        expires_in: z
          .number()
          .int()
          .positive()
          .optional()
          .meta({ description: 'Seconds until it is refused.' }),
        uses: z.number().int().positive().optional().meta({ description: 'Registrations it may make.' }),
      })
      .strict(),
    responses: {
      201: { description: 'Created', schema: tokenSchema.extend({ token: z.string() }) },
    },
    async handle({ body, service }) {
      const made = await registration(service).createToken({
        label: body.label,
        expiresIn: body.expires_in,
        uses: body.uses,
      });
      return { status: 201, body: { ...made.view, token: made.token } };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/registration/tokens/{id}',
    operationId: 'revokeInitialAccessToken',
    summary: 'Revoke an initial access token; clients it registered stay',
    tag,
    params: byToken,
    responses: { 204: { description: 'Revoked' } },
    errors: [404],
    async handle({ params, service }) {
      await registration(service).revokeToken(params.id);
      return { status: 204 };
    },
  }),
  operation({
    method: 'GET',
    path: '/registration/policy',
    operationId: 'getRegistrationPolicy',
    summary: 'The registration policy in your draft (the live one while you have no draft)',
    tag,
    responses: { 200: { description: 'The policy', schema: policyView } },
    async handle({ principal, service }) {
      const { snapshot } = await service.draft(principal);
      return { status: 200, body: { registration: registrationPolicy(snapshot) } };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/registration/policy',
    operationId: 'updateRegistrationPolicy',
    summary: 'Change fields of the registration policy in your draft; a commit makes it live on every node',
    tag,
    body: policyPatch,
    responses: { 200: { description: 'Changed in your draft', schema: policyView } },
    async handle({ body, principal, service }) {
      await service.updateRegistrationPolicy(principal, body);
      const { snapshot } = await service.draft(principal);
      return { status: 200, body: { registration: registrationPolicy(snapshot) } };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/registration/policy',
    operationId: 'resetRegistrationPolicy',
    summary: 'Back to the built-in policy in your draft: registration off',
    tag,
    responses: { 204: { description: 'Reset in your draft' } },
    async handle({ principal, service }) {
      await service.clearRegistrationPolicy(principal);
      return { status: 204 };
    },
  }),
];
