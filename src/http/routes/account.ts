// The account page: a logged-in user edits their profile and sees and revokes the consents they gave.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consentsOf, signedInAccount, updateProfile } from '../../authn/account.ts';
import { withdrawConsent } from '../../authn/consent.ts';
import { PROFILE_FIELDS, profileValue } from '../../authn/profile.ts';
import { PATHS } from '../../config/endpoints.ts';
import type { Account } from '../../store/ports/index.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { renderPage } from '../pages.ts';
import { sessionToken } from '../request.ts';

export function accountRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const page = `${prefix}${PATHS.authn}/account`;

  /** The logged-in account, or a redirect to the login page that comes back here. */
  const requireAccount = async (request: FastifyRequest, reply: FastifyReply) => {
    const account = await signedInAccount(sessionToken(request), deps.authn);
    if (account) return account;
    const first = deps.authn.config().authenticators.values().next().value;
    const login = first ? `${first.type}/${first.id}` : 'html-form/username-password';
    reply.redirect(
      `${prefix}${PATHS.authn}/authenticate/${login}?return_to=${encodeURIComponent(page)}`,
      303,
    );
    return undefined;
  };

  const render = async (
    reply: FastifyReply,
    account: Account,
    form: Record<string, string> | undefined,
    errors: Record<string, string>,
    saved: boolean,
  ) => {
    const consents = await consentsOf(account, deps.authn);
    return renderPage(
      reply,
      'account',
      {
        title: 'Your account',
        assets,
        username: account.username,
        saved,
        csrf: reply.generateCsrf(),
        profileAction: `${page}/profile`,
        logoutAction: `${prefix}${PATHS.logout}`,
        fields: PROFILE_FIELDS.map((f) => ({
          ...f,
          value: form ? (form[f.name] ?? '') : profileValue(account.claims, f),
          error: errors[f.name],
        })),
        consents: consents.map((c) => ({
          clientName: c.clientName,
          scope: c.scope || '(no scopes)',
          revokeAction: `${page}/consents/${encodeURIComponent(c.clientId)}/revoke`,
        })),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  };

  app.get(page, async (request, reply) => {
    const account = await requireAccount(request, reply);
    if (!account) return reply;
    return render(reply, account, undefined, {}, (request.query as Record<string, unknown>)['saved'] === '1');
  });

  app.post(`${page}/profile`, { preHandler: app.csrfProtection }, async (request, reply) => {
    const account = await requireAccount(request, reply);
    if (!account) return reply;
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const form: Record<string, string> = {};
    for (const f of PROFILE_FIELDS)
      form[f.name] = typeof raw[f.name] === 'string' ? (raw[f.name] as string) : '';
    const result = await updateProfile(account, form, deps.authn);
    if (!result.ok) return render(reply, account, form, result.errors, false);
    return reply.redirect(`${page}?saved=1`, 303);
  });

  app.post(
    `${page}/consents/:clientId/revoke`,
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const account = await requireAccount(request, reply);
      if (!account) return reply;
      const { clientId } = request.params as { clientId: string };
      await withdrawConsent(account, clientId, deps.authn, request.ip);
      return reply.redirect(page, 303);
    },
  );
}
