// Admin API: security posture of the live clients, and applying a warning's fix to the caller's draft.
import { z } from 'zod';
import { createPostureService } from '../../admin/posture/service.ts';
import type { AdminService } from '../../admin/service.ts';
import type { Endpoints } from '../../config/endpoints.ts';
import { operation } from './operation.ts';
import { clientResultSchema } from './schemas.ts';

const tag = 'Security posture';
const severity = z.enum(['high', 'medium', 'low']);

const warningSchema = z.object({
  id: z.string(),
  rule: z.string(),
  severity,
  message: z.string(),
  reference: z.string().meta({ description: 'The RFC or BCP section the warning rests on' }),
  fix: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('patch'), patch: z.record(z.string(), z.unknown()), summary: z.string() }),
      z.object({ kind: z.literal('reset_secret'), summary: z.string() }),
    ])
    .nullable()
    .meta({
      description: 'The draft edit that fixes it (a client PATCH or a new secret); null when none is safe',
    }),
});

const clientPostureSchema = z.object({
  client_id: z.string(),
  name: z.string(),
  declared: z.boolean().meta({ description: 'Declared in the config file: fix it there' }),
  warnings: z.array(warningSchema),
});

const reportSchema = z.object({
  revision: z.number().int().nullable(),
  counts: z.object({ high: z.number().int(), medium: z.number().int(), low: z.number().int() }),
  clients: z.array(clientPostureSchema),
});

const byId = z.object({ client_id: z.string().min(1).max(128) });
const postureOf = (service: AdminService, endpoints: Endpoints) =>
  createPostureService(service, { issuer: endpoints.issuer });

export const postureOperations = [
  operation({
    method: 'GET',
    path: '/posture',
    operationId: 'getPosture',
    summary: 'Security warnings for every live client',
    description:
      'Computed from the live configuration (committed revision plus the config file), not your draft.',
    tag,
    responses: { 200: { description: 'Every live client with its warnings', schema: reportSchema } },
    async handle({ service, endpoints }) {
      return { status: 200, body: await postureOf(service, endpoints).live() };
    },
  }),
  operation({
    method: 'GET',
    path: '/clients/{client_id}/posture',
    operationId: 'getClientPosture',
    summary: 'Security warnings for one live client',
    tag,
    params: byId,
    responses: { 200: { description: 'The client’s warnings', schema: clientPostureSchema } },
    errors: [404],
    async handle({ params, service, endpoints }) {
      return { status: 200, body: await postureOf(service, endpoints).liveClient(params.client_id) };
    },
  }),
  operation({
    method: 'POST',
    path: '/clients/{client_id}/posture/{warning_id}/fix',
    operationId: 'fixClientPosture',
    summary: 'Apply a warning’s fix to your draft',
    description:
      'The fix is judged on the client as your draft has it, and lands in your draft: commit to make it live. A new secret is returned once as `client_secret`.',
    tag,
    params: byId.extend({ warning_id: z.string().min(1).max(100) }),
    responses: {
      200: {
        description: 'Applied to your draft',
        schema: clientResultSchema.extend({ applied: warningSchema }),
      },
    },
    errors: [404],
    async handle({ params, principal, service, endpoints }) {
      const { warning, result } = await postureOf(service, endpoints).fix(
        principal,
        params.client_id,
        params.warning_id,
      );
      return {
        status: 200,
        body: {
          client: result.client,
          ...(result.secret === undefined ? {} : { client_secret: result.secret }),
          applied: warning,
        },
      };
    },
  }),
];
