// Admin API: the audit log, newest first, with the admin page's filters and paging (`next` is the next page's `before`).
import { z } from 'zod';
import { AUDIT_TYPES } from '../../admin/audit-labels.ts';
import { auditEventJson, auditQuery } from '../../admin/audit-log.ts';
import { operation } from './operation.ts';

const eventSchema = z.object({
  id: z.number().int().meta({ description: 'Increasing in the order events were recorded.' }),
  type: z.enum(AUDIT_TYPES),
  label: z.string().meta({ description: 'The type in words, as the admin page shows it.' }),
  at: z.number().int().meta({ description: 'Seconds since the epoch.' }),
  account_id: z.string().optional(),
  client_id: z.string().optional(),
  actor: z.string().optional().meta({ description: 'Who acted, when not the account: an admin, `cli`.' }),
  address: z.string().optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const auditOperations = [
  operation({
    method: 'GET',
    path: '/audit',
    operationId: 'listAuditEvents',
    summary: 'Security events, newest first',
    description:
      '`user` is a username or an account id; `from` and `to` are ISO 8601 times (UTC without an offset), both inclusive. Pass `next` from a page as `before` for the older page.',
    tag: 'Audit log',
    query: auditQuery,
    responses: {
      200: {
        description: 'One page of events',
        schema: z.object({
          events: z.array(eventSchema),
          next: z
            .number()
            .int()
            .nullable()
            .meta({ description: 'The `before` of the next, older page; null on the last.' }),
        }),
      },
    },
    async handle({ query, service }) {
      const page = await service.auditEvents(query);
      return { status: 200, body: { events: page.events.map(auditEventJson), next: page.next } };
    },
  }),
];
