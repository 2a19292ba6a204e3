// Request traces (/admin/tools/traces): look up one request's checks by its id, or see the latest ones.
import type { FastifyInstance } from 'fastify';
import type { LiveConfig } from '../../config/live.ts';
import { hintFor } from '../../tools/hints.ts';
import type { TraceRecord, TraceRing } from '../../tools/traces.ts';
import { requireAdmin } from './auth.ts';
import { field, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

/** A trace for a page: its steps, the failed one with how to fix it. */
export function shownTrace(record: TraceRecord, config: LiveConfig) {
  const failed = record.steps.find((s) => !s.ok);
  return {
    ...record,
    when: new Date(record.at).toISOString(),
    params: Object.entries(record.params),
    headers: Object.entries(record.headers),
    failed: failed && { ...failed, hint: hintFor({ step: failed, params: record.params, config }) },
  };
}

export function traceRoutes(app: FastifyInstance, ui: Ui, traces: TraceRing): void {
  app.get(`${ui.base}/tools/traces`, { preHandler: requireAdmin(ui.deps) }, (request, reply) => {
    const id = field(queryOf(request), 'id').trim();
    const trace = id === '' ? undefined : traces.get(id);
    const recent = traces
      .find(() => true, 20)
      .map((r) => ({
        id: r.id,
        endpoint: r.endpoint,
        when: new Date(r.at).toISOString(),
        clientId: r.clientId,
        status: r.result?.status,
        error: r.result?.error,
      }));
    return adminPage(
      ui,
      request,
      reply,
      'traces',
      {
        title: 'Request traces',
        section: 'tools',
        id,
        trace: trace && shownTrace(trace, ui.deps.protocol.config()),
        notFound: id !== '' && !trace,
        recent,
        capacity: traces.capacity,
      },
      id !== '' && !trace ? 404 : 200,
    );
  });
}
