// Security posture pages: the summary of every live client's warnings, and the "Fix in draft" button's route.
import type { FastifyInstance } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { type ClientPosture, createPostureService } from '../../admin/posture/service.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { field, formOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';
import { showSecret } from './secret.ts';

export const postureOf = (ui: Ui) => createPostureService(ui.service, { issuer: ui.deps.endpoints.issuer });

/** What the client page's posture box shows: the draft's warnings, each with the button's form fields. */
export function postureBox(posture: ClientPosture | undefined) {
  return posture === undefined ? undefined : { declared: posture.declared, warnings: posture.warnings };
}

export function postureRoutes(app: FastifyInstance, ui: Ui): void {
  const { base } = ui;
  const guard = { preHandler: requireAdmin(ui.deps) };
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };
  const clientPath = (id: string) => `${base}/clients/${encodeURIComponent(id)}`;

  app.get(`${base}/posture`, guard, async (request, reply) => {
    const posture = postureOf(ui);
    const report = await posture.live();
    const who = principalOf(request);
    const clients = await Promise.all(
      report.clients.map(async (c) => {
        // A warning the admin's draft no longer has is marked, so a fix in progress is visible here too.
        const inDraft = await posture.inDraft(who, c.client_id);
        const pending = new Set(inDraft?.warnings.map((w) => w.id) ?? []);
        return {
          ...c,
          href: clientPath(c.client_id),
          warnings: c.warnings.map((w) => ({
            ...w,
            fixedInDraft: inDraft !== undefined && !pending.has(w.id),
          })),
        };
      }),
    );
    return adminPage(ui, request, reply, 'posture', {
      title: 'Security posture',
      section: 'posture',
      revision: report.revision,
      counts: report.counts,
      clients,
      withWarnings: clients.filter((c) => c.warnings.length > 0),
      clean: clients.filter((c) => c.warnings.length === 0).map((c) => c.client_id),
    });
  });

  app.post(`${base}/clients/:id/posture/fix`, guardPost, async (request, reply) => {
    const { id } = request.params as { id: string };
    const warningId = field(formOf(request), 'warning') ?? '';
    try {
      const { warning, result } = await postureOf(ui).fix(principalOf(request), id, warningId);
      if (result.secret !== undefined) {
        return showSecret(ui, request, reply, {
          clientId: id,
          secret: result.secret,
          reason: 'reset',
          method: result.client.token_endpoint_auth_method,
        });
      }
      return reply.redirect(
        `${clientPath(id)}?saved=posture&fixed=${encodeURIComponent(warning.rule)}#posture`,
        303,
      );
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      return adminPage(
        ui,
        request,
        reply,
        'message',
        {
          title: 'Not fixed',
          section: 'posture',
          heading: 'Nothing was changed',
          message: error.message,
          isError: true,
          link: { href: `${clientPath(id)}#posture`, label: 'Back to the client' },
        },
        error.code === 'not_found' ? 404 : 400,
      );
    }
  });
}
