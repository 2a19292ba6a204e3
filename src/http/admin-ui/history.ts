// History pages: every revision with author, time and message; one revision's diff; a rollback's diff and impact, then the rollback as a new commit.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { revisionId, rollbackInput } from '../../admin/inputs.ts';
import { parseInput } from '../../admin/parse.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { diffView, issuesOf } from './diff-view.ts';
import { field, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

/** UTC, to the minute: the same on every admin's screen, and what the server logs say. */
export const when = (seconds: number) =>
  `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The revision a path names, or undefined when it names none (not a positive 32-bit integer). */
const idOf = (request: FastifyRequest): number | undefined => {
  const raw = (request.params as { id: string }).id;
  const parsed = revisionId.safeParse(raw);
  return /^[1-9][0-9]*$/.test(raw) && parsed.success ? parsed.data : undefined;
};

export function historyRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const path = `${base}/history`;
  const guard = { preHandler: requireAdmin(ui.deps) };

  app.get(path, guard, async (request, reply) => {
    const revisions = await service.history(200);
    const live = revisions[0]?.id;
    return adminPage(ui, request, reply, 'history', {
      title: 'History',
      section: 'history',
      revisions: revisions.map((r) => ({
        ...r,
        when: when(r.createdAt),
        href: `${path}/${r.id}`,
        live: r.id === live,
      })),
    });
  });

  const detail = async (request: FastifyRequest, reply: FastifyReply, refusal: ConfigIssue[] = []) => {
    const id = idOf(request);
    try {
      if (id === undefined) throw new AdminError('not_found', 'no such revision');
      const { revision, changes, live } = await service.revision(id);
      // Before the rollback button: what making this revision live again would change, and to what.
      const rollback = live ? null : await service.rollbackPreview(id);
      return adminPage(
        ui,
        request,
        reply,
        'revision',
        {
          title: `Revision ${id}`,
          section: 'history',
          revision: { ...revision, when: when(revision.createdAt) },
          changes: diffView(changes),
          live,
          rollback: rollback && { ...rollback, changes: diffView(rollback.changes) },
          parentHref: revision.parent === null ? null : `${path}/${revision.parent}`,
          committed: field(queryOf(request), 'committed') === '1',
          refusal,
        },
        refusal.length > 0 ? 409 : 200,
      );
    } catch (error) {
      if (!(error instanceof AdminError) || error.code !== 'not_found') throw error;
      return adminPage(
        ui,
        request,
        reply,
        'message',
        {
          title: 'Not found',
          section: 'history',
          heading: 'No such revision',
          message: 'There is no committed revision with this number. History lists every one of them.',
          isError: true,
        },
        404,
      );
    }
  };

  app.get(`${path}/:id`, guard, (request, reply) => detail(request, reply));

  app.post(
    `${path}/:id/rollback`,
    { preHandler: [requireAdmin(ui.deps), app.csrfProtection], config: { multiline: ['message'] } },
    async (request, reply) => {
      const id = idOf(request);
      // No such revision: the detail page says so (404), as for any other id that names none.
      if (id === undefined) return detail(request, reply);
      const message = field(formOf(request), 'message').trim();
      try {
        // The same rules as the API's rollback (a message of at most 500 characters).
        const input = parseInput(rollbackInput, message === '' ? {} : { message });
        const revision = await service.rollback(principalOf(request), id, input.message);
        request.log.info(
          { event: 'config_rolled_back', to: id, revision: revision.id },
          'config rolled back',
        );
        return reply.redirect(`${path}/${revision.id}?committed=1`, 303);
      } catch (error) {
        return detail(request, reply, issuesOf(error));
      }
    },
  );
}
