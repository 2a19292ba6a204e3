// Admin API: your draft's pending changes; commit them (all or nothing), rebase them, or discard them.
import { z } from 'zod';
import type { DraftView } from '../../admin/drafts.ts';
import { commitInput } from '../../admin/inputs.ts';
import type { Revision } from '../../store/ports/index.ts';
import { operation } from './operation.ts';
import { draftSchema, revisionSummarySchema } from './schemas.ts';

const tag = 'Changes';

export const draftBody = (d: DraftView) => ({
  exists: d.exists,
  base: d.base,
  current: d.current,
  stale: d.stale,
  changes: d.changes,
  issues: d.issues,
});

export const revisionSummary = (r: Omit<Revision, 'snapshot'>) => ({
  id: r.id,
  parent: r.parent,
  author: r.author,
  message: r.message,
  created_at: r.createdAt,
});

export const changeOperations = [
  operation({
    method: 'GET',
    path: '/changes',
    operationId: 'getChanges',
    summary: 'Your draft: its changes against the revision it started from, and what would block a commit',
    tag,
    responses: { 200: { description: 'The draft', schema: draftSchema } },
    async handle({ principal, service }) {
      return { status: 200, body: draftBody(await service.draft(principal)) };
    },
  }),
  operation({
    method: 'POST',
    path: '/changes/commit',
    operationId: 'commitChanges',
    summary: 'Commit your draft as a new revision, live on every node within a second',
    description:
      'All or nothing. When another commit landed since your draft started, the answer is 409 conflict with the live revision in `current`: rebase and commit again.',
    tag,
    body: commitInput,
    multiline: ['message'],
    responses: {
      201: { description: 'Committed', schema: z.object({ revision: revisionSummarySchema }) },
    },
    errors: [409, 422],
    async handle({ body, principal, service }) {
      return {
        status: 201,
        body: { revision: revisionSummary(await service.commit(principal, body.message)) },
      };
    },
  }),
  operation({
    method: 'POST',
    path: '/changes/rebase',
    operationId: 'rebaseChanges',
    summary: 'Move your draft onto the live revision, keeping edits made on either side',
    description:
      'Entries changed both in your draft and in the newer revision are refused (409 merge_conflict).',
    tag,
    responses: { 200: { description: 'The rebased draft', schema: draftSchema } },
    errors: [409],
    async handle({ principal, service }) {
      return { status: 200, body: draftBody(await service.rebase(principal)) };
    },
  }),
  operation({
    method: 'DELETE',
    path: '/changes',
    operationId: 'discardChanges',
    summary: 'Discard your draft',
    tag,
    responses: { 204: { description: 'Discarded' } },
    async handle({ principal, service }) {
      await service.discard(principal);
      return { status: 204 };
    },
  }),
];
