// Reading the audit log for admins: a query (user by name or id, client, type, time range, page) and its events.
import { z } from 'zod';
import type { AuditFilter, AuditType, StoredAuditEvent } from '../store/ports/index.ts';
import { AUDIT_TYPES, auditLabel } from './audit-labels.ts';
import type { AdminDeps } from './deps.ts';

export const AUDIT_PAGE = 50;
export const MAX_AUDIT_PAGE = 1000;

// Printable text without control characters (the edge already stops NUL): what a username or client_id can be.
const text = z
  .string()
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, 'no control characters');

/** ISO 8601 / RFC 3339 date or date-time; without an offset it is UTC (what the pages show). */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Seconds since the epoch for an ISO time; `end` rounds a date or minute up to its last second (inclusive `to`). */
export function parseIsoTime(value: string, end = false): number | undefined {
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const zone = m[7] ?? 'Z';
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${zone}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-31 over into March: refuse a date that does not exist instead.
  if (zone === 'Z' && new Date(ms).toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) return undefined;
  const seconds = Math.floor(ms / 1000);
  if (!end) return seconds;
  if (m[4] === undefined) return seconds + 86_399;
  return m[6] === undefined ? seconds + 59 : seconds;
}

const time = (end: boolean) =>
  z.string().transform((value, ctx) => {
    const seconds = parseIsoTime(value, end);
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: 'use an ISO 8601 date or time, such as 2026-12-01T09:30Z' });
      return z.NEVER;
    }
    return seconds;
  });

/** The filters as the UI's query string and the API's parameters carry them; blank means "any". */
export const auditQuery = z.object({
  user: text.optional(),
  client: text.optional(),
  type: z.enum(AUDIT_TYPES as [AuditType, ...AuditType[]]).optional(),
  from: time(false).optional(),
  to: time(true).optional(),
  /** Paging newest first: only events older than this id. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(AUDIT_PAGE),
});
export type AuditQuery = z.output<typeof auditQuery>;

export interface AuditPage {
  events: StoredAuditEvent[];
  /** The `before` of the next (older) page; null on the last one. */
  next: number | null;
}

/** One page newest first. A user is looked up by username first, so an admin can type either the name or the id. */
export async function listAuditEvents(
  deps: Pick<AdminDeps, 'auditEvents' | 'accounts'>,
  query: AuditQuery,
): Promise<AuditPage> {
  const user = query.user?.trim() || undefined;
  const accountId = user === undefined ? undefined : ((await deps.accounts.findByUsername(user))?.id ?? user);
  // One more than the page: whether an older page exists, without a count.
  const found = await deps.auditEvents.list({
    accountId,
    clientId: query.client?.trim() || undefined,
    types: query.type === undefined ? undefined : [query.type],
    from: query.from,
    to: query.to,
    before: query.before,
    limit: query.limit + 1,
  });
  const events = found.slice(0, query.limit);
  const last = events.at(-1);
  return { events, next: found.length > query.limit && last ? last.id : null };
}

/** An event as the API and the export write it: snake_case, absent fields left out, the type in words too. */
export function auditEventJson(e: StoredAuditEvent) {
  return {
    id: e.id,
    type: e.type,
    label: auditLabel(e.type),
    at: e.at,
    ...(e.accountId === undefined ? {} : { account_id: e.accountId }),
    ...(e.clientId === undefined ? {} : { client_id: e.clientId }),
    ...(e.actor === undefined ? {} : { actor: e.actor }),
    ...(e.address === undefined ? {} : { address: e.address }),
    ...(e.detail === undefined ? {} : { detail: e.detail }),
  };
}

export const EXPORT_BATCH = 500;

/** Every matching event oldest first, read `batch` at a time after the last one seen: a large log never loads at once. */
export async function* exportAuditEvents(
  deps: Pick<AdminDeps, 'auditEvents'>,
  filter: Omit<AuditFilter, 'after' | 'before' | 'limit'>,
  batch = EXPORT_BATCH,
): AsyncGenerator<StoredAuditEvent> {
  let after = 0;
  for (;;) {
    const page = await deps.auditEvents.list({ ...filter, after, limit: batch });
    yield* page;
    const last = page.at(-1);
    if (page.length < batch || !last) return;
    after = last.id;
  }
}
