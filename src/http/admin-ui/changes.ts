// The Changes page: the draft's diff, its impact on live data and what would block it; Commit with a message, Rebase, Discard.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { labelIssues } from '../../admin/field-labels.ts';
import { commitInput } from '../../admin/inputs.ts';
import { parseInput } from '../../admin/parse.ts';
import type { Snapshot } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { diffView, issuesOf } from './diff-view.ts';
import { field, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

/** An authenticator's type, for words that depend on it (an oidc issuer is a URL, a TOTP one a name). */
const typeIn = (snapshot: Snapshot, id: string) => snapshot.authenticators.find((a) => a.id === id)?.type;

export function changeRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const path = `${base}/changes`;
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { refusal?: ConfigIssue[]; refusalTitle?: string; message?: string; conflict?: boolean } = {},
  ) => {
    const draft = await service.draft(principalOf(request));
    const impact = draft.exists ? await service.draftImpact(draft) : { summary: [], items: [] };
    return adminPage(
      ui,
      request,
      reply,
      'changes',
      {
        title: 'Changes',
        section: 'changes',
        draft: {
          ...draft,
          issues: labelIssues(draft.issues, undefined, (id) => typeIn(draft.snapshot, id)),
        },
        changes: diffView(draft.changes),
        impact,
        refusal: labelIssues(extra.refusal ?? [], undefined, (id) => typeIn(draft.snapshot, id)),
        refusalTitle: extra.refusalTitle ?? '',
        message: extra.message ?? '',
        notice: field(queryOf(request), 'notice'),
      },
      extra.refusal ? (extra.conflict ? 409 : 422) : 200,
    );
  };

  app.get(path, { preHandler: requireAdmin(ui.deps) }, (request, reply) => page(request, reply));

  app.post(`${path}/commit`, { ...guardPost, config: { multiline: ['message'] } }, async (request, reply) => {
    const message = field(formOf(request), 'message').trim();
    try {
      if (message === '') {
        throw new AdminError('invalid_request', 'say what the change is for', {
          issues: [{ path: 'message', message: 'Write a commit message: what the change is for.' }],
        });
      }
      // The same rules as the API's commit (at most 500 characters).
      const input = parseInput(commitInput, { message });
      const revision = await service.commit(principalOf(request), input.message);
      request.log.info({ event: 'config_committed', revision: revision.id }, 'config committed');
      return reply.redirect(`${base}/history/${revision.id}?committed=1`, 303);
    } catch (error) {
      const conflict = error instanceof AdminError && error.code === 'conflict';
      return page(request, reply, {
        refusal: issuesOf(error),
        refusalTitle: conflict ? 'Your draft is out of date' : 'The draft cannot be committed',
        message,
        conflict,
      });
    }
  });

  app.post(`${path}/rebase`, guardPost, async (request, reply) => {
    try {
      await service.rebase(principalOf(request));
    } catch (error) {
      return page(request, reply, {
        refusal: issuesOf(error),
        refusalTitle: 'The rebase stopped',
        conflict: true,
      });
    }
    return reply.redirect(`${path}?notice=rebased`, 303);
  });

  app.post(`${path}/discard`, guardPost, async (request, reply) => {
    await service.discard(principalOf(request));
    return reply.redirect(`${path}?notice=discarded`, 303);
  });
}
