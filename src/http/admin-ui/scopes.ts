// Scopes and claims pages: the built-in OIDC scopes, and the configured ones to create, edit and delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STANDARD_SCOPES } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { issuesOf } from './diff-view.ts';
import { type Form, field, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

/** Claims are typed as a list separated by spaces or commas. */
const claimsOf = (form: Form) =>
  field(form, 'claims')
    .split(/[\s,]+/)
    .filter((c) => c !== '');

export function scopeRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const path = `${base}/scopes`;
  const guard = { preHandler: requireAdmin(ui.deps) };
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };

  const list = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { issues?: ConfigIssue[]; values?: Record<string, string>; saved?: string } = {},
  ) => {
    const { snapshot } = await service.draft(principalOf(request));
    return adminPage(
      ui,
      request,
      reply,
      'scopes',
      {
        title: 'Scopes and claims',
        section: 'scopes',
        builtIn: Object.entries(STANDARD_SCOPES).map(([name, claims]) => ({ name, claims })),
        scopes: snapshot.scopes.map((s) => ({ ...s, href: `${path}/${encodeURIComponent(s.name)}` })),
        issues: extra.issues ?? [],
        values: extra.values ?? { name: '', description: '', claims: '' },
        saved: extra.saved ?? field(queryOf(request), 'saved'),
      },
      extra.issues ? 400 : 200,
    );
  };

  app.get(path, guard, (request, reply) => list(request, reply));

  app.post(path, guardPost, async (request, reply) => {
    const form = formOf(request);
    const name = field(form, 'name').trim();
    const description = field(form, 'description').trim();
    try {
      await service.createScope(principalOf(request), {
        name,
        ...(description === '' ? {} : { description }),
        claims: claimsOf(form),
      });
    } catch (error) {
      return list(request, reply, {
        issues: issuesOf(error),
        values: { name, description, claims: field(form, 'claims') },
      });
    }
    return reply.redirect(`${path}?saved=${encodeURIComponent(name)}`, 303);
  });

  const edit = async (request: FastifyRequest, reply: FastifyReply, issues: ConfigIssue[] = []) => {
    const { name } = request.params as { name: string };
    const { snapshot } = await service.draft(principalOf(request));
    const scope = snapshot.scopes.find((s) => s.name === name);
    if (!scope)
      return list(request, reply, { issues: [{ path: 'name', message: `There is no scope "${name}".` }] });
    return adminPage(
      ui,
      request,
      reply,
      'scope',
      {
        title: `Scope ${name}`,
        section: 'scopes',
        scope,
        action: `${path}/${encodeURIComponent(name)}`,
        issues,
      },
      issues.length > 0 ? 400 : 200,
    );
  };

  app.get(`${path}/:name`, guard, (request, reply) => edit(request, reply));

  app.post(`${path}/:name`, guardPost, async (request, reply) => {
    const { name } = request.params as { name: string };
    const form = formOf(request);
    try {
      await service.updateScope(principalOf(request), name, {
        description: field(form, 'description').trim(),
        claims: claimsOf(form),
      });
    } catch (error) {
      return edit(request, reply, issuesOf(error));
    }
    return reply.redirect(`${path}?saved=${encodeURIComponent(name)}`, 303);
  });

  app.post(`${path}/:name/delete`, guardPost, async (request, reply) => {
    const { name } = request.params as { name: string };
    try {
      await service.deleteScope(principalOf(request), name);
    } catch (error) {
      return list(request, reply, { issues: issuesOf(error) });
    }
    return reply.redirect(path, 303);
  });
}
