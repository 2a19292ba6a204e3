// Registered clients page (RFC 7591): who registered each one, disable, enable, delete; the policy; initial access tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type RegistrationPolicy, registrationPolicy } from '../../config/schema-registration.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { issuesOf } from './diff-view.ts';
import { field, formOf, queryOf } from './forms.ts';
import { when } from './history.ts';
import { documentLines } from './metadata-documents.ts';
import { policyForm, policyPatch } from './registration-policy.ts';
import { adminPage, type Ui } from './render.ts';

const DURATIONS: Record<string, number> = { hour: 3_600, day: 86_400, week: 604_800, month: 2_592_000 };

/** The policy in words a person reads: no config keys. */
function policyLines(policy: RegistrationPolicy): string[] {
  const days = Math.round(policy.unused_lifetime / 86_400);
  return [
    policy.access === 'open'
      ? 'Anyone may register a client.'
      : 'A client may register only with an initial access token from this page.',
    policy.redirect_uri_hosts.length === 0
      ? 'Redirect addresses may point at any https host (plain http only on this computer).'
      : `Redirect addresses may point only at ${policy.redirect_uri_hosts.join(', ')} (plain http only on this computer).`,
    policy.allow_custom_schemes
      ? 'Native apps may use their own URL schemes.'
      : 'Native app URL schemes are not accepted.',
    `Scopes a registered client may get: ${policy.scopes.join(', ') || 'none'}.`,
    policy.unused_lifetime === 0
      ? 'Registered clients are kept however long they go unused.'
      : `A registered client unused for ${days} day${days === 1 ? '' : 's'} is removed.`,
    policy.rate_limit === 0
      ? 'Registrations are not rate limited.'
      : `Each address may register ${policy.rate_limit} client${policy.rate_limit === 1 ? '' : 's'} per ${Math.round(policy.rate_window / 60)} minutes.`,
  ];
}

export function registeredClientRoutes(app: FastifyInstance, ui: Ui): void {
  const path = `${ui.base}/registered-clients`;
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };
  const registration = () => {
    const found = ui.deps.admin.registration;
    if (!found) throw new Error('the registration admin is not wired');
    return found;
  };

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      created?: { label: string; token: string };
      issues?: ConfigIssue[];
      policyIssues?: ConfigIssue[];
      sent?: ReturnType<typeof policyPatch>;
    } = {},
  ) => {
    const { snapshot } = await ui.service.draft(principalOf(request));
    // What every node obeys now (the committed revision, or the config file's block when it has one).
    const live = registrationPolicy(ui.deps.protocol.config().snapshot);
    const clients = await registration().clients();
    const tokens = await registration().tokens();
    const action = (id: string, verb: string) => `${path}/${encodeURIComponent(id)}/${verb}`;
    return adminPage(
      ui,
      request,
      reply,
      'registered-clients',
      {
        title: 'Registered clients',
        section: 'registered',
        enabled: ui.deps.registration !== undefined && live.enabled,
        policy: policyLines(live),
        form: policyForm(snapshot, extra.sent),
        fromFile: ui.deps.admin.declared.registration !== undefined,
        policySaved: field(queryOf(request), 'saved') === 'policy',
        policyIssues: extra.policyIssues ?? [],
        documents: documentLines(ui.deps.clientIdMetadataDocuments),
        clients: clients.map((c) => ({
          ...c,
          created: when(c.created_at),
          lastUsed: c.last_used_at === null ? 'never' : when(c.last_used_at),
          toggle: action(c.client_id, c.disabled ? 'enable' : 'disable'),
          remove: action(c.client_id, 'delete'),
        })),
        tokens: tokens.map((t) => ({
          ...t,
          created: when(t.created_at),
          expires: t.expires_at === null ? 'never' : when(t.expires_at),
          state: t.revoked ? 'revoked' : t.usable ? 'usable' : 'used up or expired',
          revoke: `${path}/tokens/${encodeURIComponent(t.id)}/revoke`,
        })),
        durations: Object.keys(DURATIONS),
        created: extra.created,
        issues: extra.issues ?? [],
      },
      extra.issues || extra.policyIssues ? 400 : 200,
    );
  };
  const act = async (request: FastifyRequest, reply: FastifyReply, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      return page(request, reply, { issues: issuesOf(error) });
    }
    return reply.redirect(path, 303);
  };
  const id = (request: FastifyRequest) => (request.params as { id: string }).id;
  const actor = (request: FastifyRequest) => principalOf(request).username;

  app.get(path, { preHandler: requireAdmin(ui.deps) }, (request, reply) => page(request, reply));
  app.post(`${path}/:id/disable`, guardPost, (request, reply) =>
    act(request, reply, () => registration().setDisabled(actor(request), id(request), true)),
  );
  app.post(`${path}/:id/enable`, guardPost, (request, reply) =>
    act(request, reply, () => registration().setDisabled(actor(request), id(request), false)),
  );
  app.post(`${path}/:id/delete`, guardPost, (request, reply) =>
    act(request, reply, () => registration().delete(actor(request), id(request))),
  );
  app.post(`${path}/tokens`, guardPost, async (request, reply) => {
    const form = formOf(request);
    const uses = field(form, 'uses');
    try {
      const made = await registration().createToken({
        label: field(form, 'label'),
        expiresIn: DURATIONS[field(form, 'expires')],
        uses: uses === '' ? undefined : Number(uses),
      });
      // Rendered, not redirected: the token must not sit in a URL or a later page.
      return page(request, reply, { created: { label: made.view.label, token: made.token } });
    } catch (error) {
      return page(request, reply, { issues: issuesOf(error) });
    }
  });
  // The policy goes into the admin's draft; the commit on the Changes page makes it live on every node.
  app.post(`${path}/policy`, guardPost, async (request, reply) => {
    const sent = policyPatch(request);
    try {
      await ui.service.updateRegistrationPolicy(principalOf(request), sent);
    } catch (error) {
      return page(request, reply, { policyIssues: issuesOf(error), sent });
    }
    return reply.redirect(`${path}?saved=policy#h-policy`, 303);
  });
  app.post(`${path}/tokens/:id/revoke`, guardPost, (request, reply) =>
    act(request, reply, () => registration().revokeToken(id(request))),
  );
}
