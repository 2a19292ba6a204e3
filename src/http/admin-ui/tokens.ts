// API tokens page: create a token for the admin REST API (shown once), see who made each one, revoke it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createApiToken, revokeApiToken } from '../../admin/api-tokens.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { API_PATH } from '../admin-api/register.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { issuesOf } from './diff-view.ts';
import { field, formOf } from './forms.ts';
import { when } from './history.ts';
import { adminPage, type Ui } from './render.ts';

export function tokenRoutes(app: FastifyInstance, ui: Ui): void {
  const path = `${ui.base}/tokens`;
  const admin = ui.deps.admin;
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { created?: { name: string; secret: string }; issues?: ConfigIssue[] } = {},
  ) => {
    const tokens = await admin.admin.tokens.list();
    return adminPage(
      ui,
      request,
      reply,
      'tokens',
      {
        title: 'API tokens',
        section: 'tokens',
        api: ui.deps.endpoints.base + API_PATH,
        tokens: tokens.reverse().map((t) => ({
          id: t.id,
          name: t.name,
          owner: t.owner,
          created: when(t.createdAt),
          revoked: t.revokedAt === null ? null : when(t.revokedAt),
          action: `${path}/${encodeURIComponent(t.id)}/revoke`,
        })),
        created: extra.created,
        issues: extra.issues ?? [],
      },
      extra.issues ? 400 : 200,
    );
  };

  app.get(path, { preHandler: requireAdmin(ui.deps) }, (request, reply) => page(request, reply));

  app.post(path, guardPost, async (request, reply) => {
    const principal = principalOf(request);
    try {
      const { token, secret } = await createApiToken(admin, {
        name: field(formOf(request), 'name'),
        owner: principal.username,
      });
      request.log.info({ event: 'api_token_created', token: token.id }, 'admin API token created');
      // Rendered, not redirected: the token must not sit in a URL or a later page.
      return page(request, reply, { created: { name: token.name, secret } });
    } catch (error) {
      return page(request, reply, { issues: issuesOf(error) });
    }
  });

  app.post(`${path}/:id/revoke`, guardPost, async (request, reply) => {
    try {
      await revokeApiToken(admin, (request.params as { id: string }).id);
    } catch (error) {
      return page(request, reply, { issues: issuesOf(error) });
    }
    request.log.info({ event: 'api_token_revoked' }, 'admin API token revoked');
    return reply.redirect(path, 303);
  });
}
