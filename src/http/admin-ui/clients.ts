// Client pages: the list with search, and one client's Overview and Tokens tabs, each section saving to the draft.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import {
  AUTH_METHOD_WORDS,
  authenticatorKind,
  CAPABILITY_WORDS,
  labelIssues,
} from '../../admin/field-labels.ts';
import { apiChoices, clientView, scopeChoices, searchClients } from '../../admin/views.ts';
import { factorRole, type Snapshot } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { SIGNING_ALGS } from '../../shared/algorithms.ts';
import { principalOf, requireAdmin } from './auth.ts';
import {
  ASSERTION_ALG_GROUPS,
  AUTH_METHODS,
  CAPABILITIES,
  PROFILES,
  REQUEST_OBJECT_ALGS,
} from './client-choices.ts';
import { EXCHANGE_TOKEN_CHOICES } from './client-exchange.ts';
import { type ClientSection, clientFormAction, SECTIONS, submittedView } from './client-form.ts';
import { field, formOf, queryOf } from './forms.ts';
import { postureBox, postureOf, postureRoutes } from './posture.ts';
import { adminPage, type Ui } from './render.ts';
import { showSecret } from './secret.ts';

/** Settings on the Tokens tab: a refusal shown on the Overview says where they are. */
const TOKENS_TAB = /^(refresh_token|access_token_|id_token_|userinfo_)/;

const withPlace = (issues: ConfigIssue[], tab: string) =>
  labelIssues(issues, 'client').map((i) =>
    tab !== 'tokens' && TOKENS_TAB.test(i.path) ? { ...i, label: `${i.label} (on the Tokens tab)` } : i,
  );

/** What the draft did to each client, for the badges in the list. */
function draftStatus(changes: { kind: string; id: string; action: string }[]) {
  return new Map(changes.filter((c) => c.kind === 'client').map((c) => [c.id, c.action]));
}

export function clientRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const guard = { preHandler: requireAdmin(ui.deps) };
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };
  const clientPath = (id: string) => `${base}/clients/${encodeURIComponent(id)}`;

  app.get(`${base}/clients`, guard, async (request, reply) => {
    const draft = await service.draft(principalOf(request));
    const q = field(queryOf(request), 'q');
    const status = draftStatus(draft.changes);
    return adminPage(ui, request, reply, 'clients', {
      title: 'Clients',
      section: 'clients',
      q,
      total: draft.snapshot.clients.length,
      clients: searchClients(draft.snapshot.clients, q).map((c) => ({
        ...clientView(c),
        href: clientPath(c.client_id),
        capabilityWords: c.capabilities.map((cap) => CAPABILITY_WORDS[cap] ?? cap).join(', '),
        authWords: AUTH_METHOD_WORDS[c.token_endpoint_auth_method] ?? c.token_endpoint_auth_method,
        status: status.get(c.client_id),
        declared: ui.deps.admin.declared.clients.some((d) => d.client_id === c.client_id),
      })),
      // Clients only the config file declares: live, but not managed here.
      fileOnly: ui.deps.admin.declared.clients
        .filter((d) => !draft.snapshot.clients.some((c) => c.client_id === d.client_id))
        .map((d) => d.client_id),
    });
  });

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    snapshot: Snapshot,
    clientId: string,
    extra: {
      tab?: string;
      issues?: ConfigIssue[];
      errorSection?: string;
      saved?: string;
      /** A refused section's values as sent, shown instead of the stored ones. */
      submitted?: ReturnType<typeof submittedView>;
    } = {},
    status = 200,
  ) => {
    const client = snapshot.clients.find((c) => c.client_id === clientId);
    if (!client) {
      return adminPage(
        ui,
        request,
        reply,
        'message',
        {
          title: 'Not found',
          section: 'clients',
          heading: 'No such client',
          message: `There is no client "${clientId}" in your draft.`,
          isError: true,
          link: { href: `${base}/clients`, label: 'Back to the clients' },
        },
        404,
      );
    }
    const tab = extra.tab === 'tokens' ? 'tokens' : 'overview';
    return adminPage(
      ui,
      request,
      reply,
      'client',
      {
        title: `Client ${clientId}`,
        section: 'clients',
        client: { ...clientView(client), ...extra.submitted?.client },
        action: clientPath(clientId),
        tab,
        tabs: [
          { id: 'overview', label: 'Overview', href: clientPath(clientId) },
          { id: 'tokens', label: 'Tokens', href: `${clientPath(clientId)}?tab=tokens` },
        ],
        capabilities: CAPABILITIES,
        authMethods: AUTH_METHODS,
        assertionAlgs: ASSERTION_ALG_GROUPS,
        requestAlgs: REQUEST_OBJECT_ALGS,
        profiles: PROFILES,
        jwksText: extra.submitted?.jwksText ?? (client.jwks ? JSON.stringify(client.jwks, null, 2) : ''),
        authenticators: snapshot.authenticators
          .filter((a) => factorRole(a.type) !== 'second')
          .map((a) => ({ id: a.id, type: a.type, kind: authenticatorKind(a) })),
        policies: snapshot.policies ?? [],
        scopes: scopeChoices(snapshot),
        apis: apiChoices(snapshot),
        exchangeTokens: EXCHANGE_TOKEN_CHOICES,
        trustedIssuers: snapshot.trusted_issuers ?? [],
        algs: SIGNING_ALGS,
        issues: withPlace(extra.issues ?? [], tab),
        errorSection: extra.errorSection,
        saved: extra.saved,
        declared: ui.deps.admin.declared.clients.some((d) => d.client_id === clientId),
        posture: postureBox(await postureOf(ui).inDraft(principalOf(request), clientId)),
      },
      status,
    );
  };

  app.get(`${base}/clients/:id`, guard, async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = queryOf(request);
    const draft = await service.draft(principalOf(request));
    return render(request, reply, draft.snapshot, id, {
      tab: field(query, 'tab'),
      saved: field(query, 'saved'),
    });
  });

  // A pasted JWK Set spans lines: the edge lets line breaks through in that field only.
  app.post(
    `${base}/clients/:id`,
    { ...guardPost, config: { multiline: ['jwks'] } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const principal = principalOf(request);
      const form = formOf(request);
      const section = field(form, 'section') as ClientSection;
      const tab = section === 'tokens' ? 'tokens' : 'overview';
      const draft = await service.draft(principal);
      const client = draft.snapshot.clients.find((c) => c.client_id === id);
      if (!client || !SECTIONS.includes(section)) return render(request, reply, draft.snapshot, id);
      const action = clientFormAction(section, form, client);
      try {
        switch (action.kind) {
          case 'refused':
            throw new AdminError('invalid_request', action.issues[0]!.message, { issues: action.issues });
          case 'delete':
            await service.deleteClient(principal, id);
            return reply.redirect(`${base}/clients?deleted=${encodeURIComponent(id)}`, 303);
          case 'secret': {
            const result = await service.resetSecret(principal, id, action.secret);
            return showSecret(ui, request, reply, {
              clientId: id,
              secret: action.secret === undefined ? result.secret : undefined,
              reason: 'reset',
              method: result.client.token_endpoint_auth_method,
            });
          }
          case 'patch': {
            const result = await service.updateClient(principal, id, action.patch);
            if (result.secret !== undefined) {
              return showSecret(ui, request, reply, {
                clientId: id,
                secret: result.secret,
                reason: 'confidential',
                method: result.client.token_endpoint_auth_method,
              });
            }
            const query = tab === 'tokens' ? `?tab=tokens&saved=${section}` : `?saved=${section}`;
            return reply.redirect(`${clientPath(id)}${query}#${section}`, 303);
          }
        }
      } catch (error) {
        if (!(error instanceof AdminError)) throw error;
        const issues = error.issues.length > 0 ? error.issues : [{ path: '', message: error.message }];
        const latest = await service.draft(principal);
        const submitted = submittedView(section, form, client);
        return render(
          request,
          reply,
          latest.snapshot,
          id,
          { tab, issues, errorSection: section, submitted },
          400,
        );
      }
    },
  );

  postureRoutes(app, ui);
}
