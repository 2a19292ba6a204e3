// Authenticators page: html-form logins (registration on or off), TOTP second factors (their app label), passkeys,
// and other providers (oidc: their summary here, their settings on the providers page, providers.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticatorView } from '../../admin/views.ts';
import { upstreamRedirectUri } from '../../authn/authenticators/oidc/redirect-uri.ts';
import { PATHS } from '../../config/endpoints.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { issuesOf } from './diff-view.ts';
import { checked, field, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

/** A passkey's settings from its form: user verification required unless "preferred" is picked. */
const passkeyFields = (form: ReturnType<typeof formOf>) => ({
  user_verification:
    field(form, 'user_verification') === 'preferred' ? ('preferred' as const) : ('required' as const),
  passwordless: checked(form, 'passwordless'),
});

export function authenticatorRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const path = `${base}/authenticators`;
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };

  const list = async (request: FastifyRequest, reply: FastifyReply, issues?: ConfigIssue[], id = '') => {
    const { snapshot } = await service.draft(principalOf(request));
    const users = (id: string) =>
      snapshot.clients.filter((c) => c.authenticator === id).map((c) => c.client_id);
    const policies = (id: string) =>
      (snapshot.policies ?? []).filter((p) => p.steps.some((s) => s.includes(id))).map((p) => p.name ?? p.id);
    return adminPage(
      ui,
      request,
      reply,
      'authenticators',
      {
        title: 'Authenticators',
        section: 'authenticators',
        authenticators: snapshot.authenticators.map((a) => ({
          ...authenticatorView(a),
          action: `${path}/${encodeURIComponent(a.id)}`,
          settings: `${base}/providers/${encodeURIComponent(a.id)}`,
          redirectUri: upstreamRedirectUri(ui.deps.endpoints.base, a.id),
          login: `${ui.deps.endpoints.base}${PATHS.authn}/authenticate/${a.type}/${encodeURIComponent(a.id)}`,
          clients: users(a.id),
          policies: policies(a.id),
        })),
        issues: issues ?? [],
        id,
        saved: field(queryOf(request), 'saved'),
      },
      issues ? 400 : 200,
    );
  };

  app.get(path, { preHandler: requireAdmin(ui.deps) }, (request, reply) => list(request, reply));

  app.post(path, guardPost, async (request, reply) => {
    const form = formOf(request);
    const id = field(form, 'id').trim();
    try {
      await service.createAuthenticator(
        principalOf(request),
        field(form, 'type') === 'totp'
          ? { id, type: 'totp', issuer: field(form, 'issuer').trim() || 'Tessera' }
          : field(form, 'type') === 'passkey'
            ? { id, type: 'passkey', ...passkeyFields(form) }
            : { id, type: 'html-form', registration: checked(form, 'registration') },
      );
    } catch (error) {
      return list(request, reply, issuesOf(error), id);
    }
    return reply.redirect(`${path}?saved=${encodeURIComponent(id)}`, 303);
  });

  app.post(`${path}/:id`, guardPost, async (request, reply) => {
    const { id } = request.params as { id: string };
    const form = formOf(request);
    try {
      await service.updateAuthenticator(
        principalOf(request),
        id,
        field(form, 'issuer') !== ''
          ? { issuer: field(form, 'issuer').trim() }
          : field(form, 'type') === 'passkey'
            ? passkeyFields(form)
            : { registration: field(form, 'registration') === 'on' },
      );
    } catch (error) {
      return list(request, reply, issuesOf(error));
    }
    return reply.redirect(`${path}?saved=${encodeURIComponent(id)}`, 303);
  });

  app.post(`${path}/:id/delete`, guardPost, async (request, reply) => {
    const { id } = request.params as { id: string };
    try {
      await service.deleteAuthenticator(principalOf(request), id);
    } catch (error) {
      return list(request, reply, issuesOf(error));
    }
    return reply.redirect(path, 303);
  });
}
