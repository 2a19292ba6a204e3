// Admin API: authentication policies (steps of alternative authenticators, an acr each), edited in a draft.
import { z } from 'zod';
import { notFound } from '../../admin/errors.ts';
import { type PolicyConfig, policyAcr, policySchema, type Snapshot } from '../../config/schema.ts';
import { operation } from './operation.ts';

const byId = z.object({ id: z.string().min(1).max(100) });
const tag = 'Policies';

/** A policy as stored, with the acr it reports (the default one when it names none). */
const policyViewSchema = policySchema.extend({ acr_value: z.string() });

const { id: _id, ...editable } = policySchema.shape;
/** Fields to replace; null for name or acr goes back to the default. */
const policyPatchInput = z
  .object({
    name: editable.name.unwrap().nullable().optional(),
    acr: editable.acr.unwrap().nullable().optional(),
    steps: editable.steps.optional(),
    enrol: z.boolean().optional(),
  })
  .strict();

const viewOf = (p: PolicyConfig) => ({ ...p, acr_value: policyAcr(p) });

const view = (snapshot: Snapshot, id: string) => {
  const found = (snapshot.policies ?? []).find((p) => p.id === id);
  if (!found) throw notFound(`policy "${id}"`);
  return viewOf(found);
};

export const policyOperations = [
  operation({
    method: 'GET',
    path: '/policies',
    operationId: 'listPolicies',
    summary: 'List authentication policies',
    tag,
    responses: {
      200: { description: 'The policies', schema: z.object({ policies: z.array(policyViewSchema) }) },
    },
    async handle({ principal, service }) {
      return {
        status: 200,
        body: { policies: ((await service.draft(principal)).snapshot.policies ?? []).map(viewOf) },
      };
    },
  }),
  operation({
    method: 'POST',
    path: '/policies',
    operationId: 'createPolicy',
    summary: 'Create an authentication policy in your draft',
    description: 'Steps in order, each a list of alternative authenticator ids; the commit checks them.',
    tag,
    body: policySchema,
    responses: { 201: { description: 'Created in your draft', schema: policyViewSchema } },
    errors: [409],
    async handle({ body, principal, service }) {
      await service.createPolicy(principal, body);
      return { status: 201, body: view((await service.draft(principal)).snapshot, body.id) };
    },
  }),
  operation({
    method: 'PATCH',
    path: '/policies/{id}',
    operationId: 'updatePolicy',
    summary: 'Change a policy in your draft',
    tag,
    params: byId,
    body: policyPatchInput,
    responses: { 200: { description: 'Changed in your draft', schema: policyViewSchema } },
    errors: [404],
    async handle({ params, body, principal, service }) {
      await service.updatePolicy(principal, params.id, body);
      return { status: 200, body: view((await service.draft(principal)).snapshot, params.id) };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/policies/{id}',
    operationId: 'deletePolicy',
    summary: 'Delete a policy in your draft',
    description: 'Clients still naming it make the commit fail, naming them.',
    tag,
    params: byId,
    responses: { 204: { description: 'Deleted in your draft' } },
    errors: [404],
    async handle({ params, principal, service }) {
      await service.deletePolicy(principal, params.id);
      return { status: 204 };
    },
  }),
];
