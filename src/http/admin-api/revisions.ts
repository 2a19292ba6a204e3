// Admin API: history of committed revisions, each with its diff, and rollback to any of them as a new commit.
import { z } from 'zod';
import { revisionId, rollbackInput } from '../../admin/inputs.ts';
import { snapshotView } from '../../admin/views.ts';
import { revisionSummary } from './changes.ts';
import { operation } from './operation.ts';
import { revisionDetailSchema, revisionSummarySchema } from './schemas.ts';

const byId = z.object({ id: revisionId });
const tag = 'History';

export const revisionOperations = [
  operation({
    method: 'GET',
    path: '/revisions',
    operationId: 'listRevisions',
    summary: 'Committed revisions, newest first',
    tag,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    responses: {
      200: { description: 'The revisions', schema: z.object({ revisions: z.array(revisionSummarySchema) }) },
    },
    async handle({ query, service }) {
      return { status: 200, body: { revisions: (await service.history(query.limit)).map(revisionSummary) } };
    },
  }),
  operation({
    method: 'GET',
    path: '/revisions/{id}',
    operationId: 'getRevision',
    summary: 'One revision: author, time, message, its snapshot and what it changed',
    tag,
    params: byId,
    responses: { 200: { description: 'The revision', schema: revisionDetailSchema } },
    errors: [404],
    async handle({ params, service }) {
      const detail = await service.revision(params.id);
      return {
        status: 200,
        body: {
          ...revisionSummary(detail.revision),
          live: detail.live,
          changes: detail.changes,
          snapshot: snapshotView(detail.revision.snapshot),
        },
      };
    },
  }),
  operation({
    method: 'POST',
    path: '/revisions/{id}/rollback',
    operationId: 'rollback',
    summary: 'Make this revision live again, as a new commit on top of history',
    tag,
    params: byId,
    body: rollbackInput,
    multiline: ['message'],
    responses: {
      201: { description: 'Rolled back', schema: z.object({ revision: revisionSummarySchema }) },
    },
    errors: [404, 409, 422],
    async handle({ params, body, principal, service }) {
      const revision = await service.rollback(principal, params.id, body.message);
      return { status: 201, body: { revision: revisionSummary(revision) } };
    },
  }),
];
