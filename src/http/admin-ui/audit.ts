// The Audit log page: security events newest first, filtered by user, client, type and time, a page at a time.
import type { FastifyInstance } from 'fastify';
import { AUDIT_LABELS, AUDIT_TYPES, auditLabel, detailLabel, detailValue } from '../../admin/audit-labels.ts';
import { auditQuery } from '../../admin/audit-log.ts';
import type { StoredAuditEvent } from '../../store/ports/index.ts';
import { requireAdmin } from './auth.ts';
import { field, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

/** UTC to the second: events close together stay apart. */
const at = (seconds: number) =>
  `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const FILTERS = { user: 'User', client: 'Client', type: 'Event', from: 'From', to: 'To' } as const;
type FilterName = keyof typeof FILTERS;

/** One event as the table shows it; the user and client link to the log filtered to them. */
function row(e: StoredAuditEvent, path: string) {
  const only = (name: string, value: string | undefined) =>
    value === undefined ? '' : `${path}?${new URLSearchParams({ [name]: value })}`;
  return {
    userHref: only('user', e.accountId),
    clientHref: only('client', e.clientId),
    id: e.id,
    when: at(e.at),
    label: auditLabel(e.type),
    failed: e.type === 'login.failed' || e.type === 'login.throttled',
    user: e.accountId ?? '',
    client: e.clientId ?? '',
    actor: e.actor ?? '',
    address: e.address ?? '',
    details: Object.entries(e.detail ?? {}).map(([k, v]) => ({
      label: detailLabel(k),
      value: detailValue(v),
    })),
  };
}

export function auditRoutes(app: FastifyInstance, ui: Ui): void {
  const path = `${ui.base}/audit`;

  app.get(path, { preHandler: requireAdmin(ui.deps) }, async (request, reply) => {
    const q = queryOf(request);
    const shown = Object.fromEntries(
      (Object.keys(FILTERS) as FilterName[]).map((k) => [k, field(q, k).trim()]),
    ) as Record<FilterName, string>;
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(shown)) if (v !== '') raw[k] = v;
    const before = field(q, 'before').trim();
    if (before !== '') raw['before'] = before;
    const parsed = auditQuery.safeParse(raw);
    const issues = parsed.success
      ? []
      : parsed.error.issues.map((i) => {
          const name = String(i.path[0] ?? '');
          const label = Object.hasOwn(FILTERS, name) ? FILTERS[name as FilterName] : 'Page';
          return { label, message: name === 'type' ? 'choose one of the listed events' : i.message };
        });
    const page = parsed.success ? await ui.service.auditEvents(parsed.data) : { events: [], next: null };
    const filtersOnly = new URLSearchParams(Object.entries(shown).filter(([, v]) => v !== ''));
    const link = (extra: Record<string, string>) => {
      const params = new URLSearchParams(filtersOnly);
      for (const [k, v] of Object.entries(extra)) params.set(k, v);
      const s = params.toString();
      return s === '' ? path : `${path}?${s}`;
    };
    return adminPage(
      ui,
      request,
      reply,
      'audit',
      {
        title: 'Audit log',
        section: 'audit',
        action: path,
        filters: shown,
        filtered: filtersOnly.toString() !== '',
        types: AUDIT_TYPES.map((t) => ({ value: t, label: AUDIT_LABELS[t], selected: t === shown.type })),
        issues,
        events: page.events.map((e) => row(e, path)),
        older: page.next === null ? null : link({ before: String(page.next) }),
        newest: raw['before'] === undefined ? null : link({}),
        clear: path,
      },
      issues.length > 0 ? 400 : 200,
    );
  });
}
