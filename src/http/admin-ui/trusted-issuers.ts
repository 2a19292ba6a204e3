// Trusted issuers page (RFC 8693): external issuers whose JWTs clients may trade in, to add and remove.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { labelIssues } from '../../admin/field-labels.ts';
import { clientsTrusting } from '../../admin/trusted-issuer-edits.ts';
import { parseJwks } from '../../admin/wizard-steps.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { issuesOf } from './diff-view.ts';
import { field, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

const blank = { issuer: '', name: '', jwks: '', jwks_uri: '' };

export function trustedIssuerRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const path = `${base}/trusted-issuers`;
  const guard = { preHandler: requireAdmin(ui.deps) };
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };

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
      'trusted-issuers',
      {
        title: 'Trusted issuers',
        section: 'apis',
        issuers: (snapshot.trusted_issuers ?? []).map((t) => ({
          ...t,
          action: `${path}/${encodeURIComponent(t.issuer)}/delete`,
          clients: clientsTrusting(snapshot, t.issuer),
        })),
        issues: labelIssues(extra.issues ?? [], 'trusted_issuer'),
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
    const values = {
      issuer: field(form, 'issuer').trim(),
      name: field(form, 'name').trim(),
      jwks: field(form, 'jwks').trim(),
      jwks_uri: field(form, 'jwks_uri').trim(),
    };
    const refuse = (issues: ConfigIssue[]) => list(request, reply, { issues, values });
    if ((values.jwks === '') === (values.jwks_uri === ''))
      return refuse([
        {
          path: 'jwks',
          message: 'Paste its public keys (a JWK Set) or give the URL it publishes them at: one of the two.',
        },
      ]);
    let keys: Record<string, unknown> = { jwks_uri: values.jwks_uri };
    if (values.jwks !== '') {
      const { jwks, issues } = parseJwks(values.jwks);
      if (!jwks || issues.length > 0) return refuse(issues);
      keys = { jwks };
    }
    try {
      await service.createTrustedIssuer(principalOf(request), {
        issuer: values.issuer,
        ...(values.name === '' ? {} : { name: values.name }),
        ...keys,
      });
    } catch (error) {
      return refuse(issuesOf(error));
    }
    return reply.redirect(`${path}?saved=${encodeURIComponent(values.issuer)}`, 303);
  });

  app.post(`${path}/:issuer/delete`, guardPost, async (request, reply) => {
    const { issuer } = request.params as { issuer: string };
    let stillNamedBy: string[];
    try {
      stillNamedBy = await service.deleteTrustedIssuer(principalOf(request), issuer);
    } catch (error) {
      return list(request, reply, { issues: issuesOf(error) });
    }
    if (stillNamedBy.length > 0) return list(request, reply, { stillNamedBy, deleted: issuer });
    return reply.redirect(`${path}?deleted=${encodeURIComponent(issuer)}`, 303);
  });
}
