// APIs pages: the resource servers clients may get tokens for (RFC 8707), to create, edit and delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientsNaming } from '../../admin/api-edits.ts';
import { labelIssues } from '../../admin/field-labels.ts';
import type { ApiCreateInput, ApiPatch } from '../../admin/inputs.ts';
import { scopeChoices } from '../../admin/views.ts';
import type { Snapshot } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { issuesOf } from './diff-view.ts';
import { type Form, field, fields, formOf, numberField, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

export const TOKEN_FORMATS = [
  { id: 'jwt', label: 'JWT', hint: 'Signed (RFC 9068): the API checks it itself with the published keys.' },
  { id: 'opaque', label: 'Opaque', hint: 'A random reference: the API asks the introspection endpoint.' },
];

/**
 * The scopes an API is offered: the configured ones; the OpenID Connect scopes are about the user's
 * sign-in, not an API, and are shown only where an API already names one.
 */
function apiScopes(snapshot: Snapshot, named: readonly string[] = []) {
  return scopeChoices(snapshot).filter((s) => !s.builtIn || named.includes(s.name));
}

/** The editable fields of the form: blank is "not given", and the schema says what is wrong. */
function fieldsOf(form: Form): ApiPatch {
  const name = field(form, 'name').trim();
  const lifetime = numberField(form, 'access_token_lifetime');
  return {
    name,
    scopes: fields(form, 'scopes'),
    access_token_format: field(form, 'access_token_format') as ApiPatch['access_token_format'],
    ...(lifetime === undefined ? {} : { access_token_lifetime: lifetime }),
  };
}

export function apiRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const path = `${base}/apis`;
  const href = (identifier: string) => `${path}/${encodeURIComponent(identifier)}`;
  const guard = { preHandler: requireAdmin(ui.deps) };
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };
  const blank = {
    identifier: '',
    name: '',
    scopes: [] as string[],
    access_token_format: 'jwt',
    access_token_lifetime: 300,
  };

  const list = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { issues?: ConfigIssue[]; values?: typeof blank; stillNamedBy?: string[]; deleted?: string } = {},
  ) => {
    const { snapshot } = await service.draft(principalOf(request));
    const query = queryOf(request);
    return adminPage(
      ui,
      request,
      reply,
      'apis',
      {
        title: 'APIs',
        section: 'apis',
        apis: snapshot.apis.map((a) => ({
          ...a,
          href: href(a.identifier),
          format: TOKEN_FORMATS.find((f) => f.id === a.access_token_format)?.label,
          clients: clientsNaming(snapshot, a.identifier),
        })),
        scopes: apiScopes(snapshot),
        formats: TOKEN_FORMATS,
        issues: labelIssues(extra.issues ?? [], 'api'),
        values: extra.values ?? blank,
        saved: field(query, 'saved'),
        deleted: extra.deleted ?? field(query, 'deleted'),
        stillNamedBy: extra.stillNamedBy ?? [],
      },
      extra.issues ? 400 : 200,
    );
  };

  app.get(path, guard, (request, reply) => list(request, reply));

  app.post(path, guardPost, async (request, reply) => {
    const form = formOf(request);
    const identifier = field(form, 'identifier').trim();
    const { name, ...rest } = fieldsOf(form);
    const input = { identifier, ...(name ? { name } : {}), ...rest } as ApiCreateInput;
    try {
      await service.createApi(principalOf(request), input);
    } catch (error) {
      return list(request, reply, {
        issues: issuesOf(error),
        values: { ...blank, ...input, name: name ?? '' } as typeof blank,
      });
    }
    return reply.redirect(`${path}?saved=${encodeURIComponent(identifier)}`, 303);
  });

  const edit = async (request: FastifyRequest, reply: FastifyReply, issues: ConfigIssue[] = []) => {
    const { identifier } = request.params as { identifier: string };
    const { snapshot } = await service.draft(principalOf(request));
    const api = snapshot.apis.find((a) => a.identifier === identifier);
    if (!api) {
      return list(request, reply, {
        issues: [{ path: 'identifier', message: `There is no API "${identifier}" in your draft.` }],
      });
    }
    return adminPage(
      ui,
      request,
      reply,
      'api',
      {
        title: `API ${identifier}`,
        section: 'apis',
        api,
        action: href(identifier),
        scopes: apiScopes(snapshot, api.scopes),
        formats: TOKEN_FORMATS,
        clients: clientsNaming(snapshot, identifier),
        issues: labelIssues(issues, 'api'),
      },
      issues.length > 0 ? 400 : 200,
    );
  };

  app.get(`${path}/:identifier`, guard, (request, reply) => edit(request, reply));

  app.post(`${path}/:identifier`, guardPost, async (request, reply) => {
    const { identifier } = request.params as { identifier: string };
    try {
      await service.updateApi(principalOf(request), identifier, fieldsOf(formOf(request)));
    } catch (error) {
      return edit(request, reply, issuesOf(error));
    }
    return reply.redirect(`${path}?saved=${encodeURIComponent(identifier)}`, 303);
  });

  app.post(`${path}/:identifier/delete`, guardPost, async (request, reply) => {
    const { identifier } = request.params as { identifier: string };
    let stillNamedBy: string[];
    try {
      stillNamedBy = await service.deleteApi(principalOf(request), identifier);
    } catch (error) {
      return list(request, reply, { issues: issuesOf(error) });
    }
    if (stillNamedBy.length > 0) return list(request, reply, { stillNamedBy, deleted: identifier });
    return reply.redirect(`${path}?deleted=${encodeURIComponent(identifier)}`, 303);
  });
}
