// The account page: a logged-in user edits their profile and sees and revokes the consents they gave.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applyProfile, PROFILE_FIELDS, profileValue } from '../../authn/profile.ts';
import { PATHS } from '../../config/endpoints.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { renderPage } from '../pages.ts';
import { currentSession } from '../request.ts';

export function accountRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const page = `${prefix}${PATHS.authn}/account`;

  /** The logged-in account, or a redirect to the login page that comes back here. */
  const requireAccount = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await currentSession(request, deps);
    const account = session && (await deps.protocol.accounts.findById(session.accountId));
    if (account && !account.disabled) return account;
    const authenticator = deps.protocol.config().authenticators.keys().next().value ?? 'username-password';
    reply.redirect(
      `${prefix}${PATHS.authn}/authenticate/html-form/${authenticator}?return_to=${encodeURIComponent(page)}`,
      303,
    );
    return undefined;
  };

  const render = async (
    reply: FastifyReply,
    account: { id: string; username: string; claims: Record<string, unknown> },
    form: Record<string, string> | undefined,
    errors: Record<string, string>,
    saved: boolean,
  ) => {
    const config = deps.protocol.config();
    const consents = await deps.protocol.consents.list(account.id);
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
          clientName: config.clients.get(c.clientId)?.name ?? c.clientId,
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
    const result = applyProfile(account.claims, form, deps.protocol.clock.nowSeconds());
    if (!result.ok) return render(reply, account, form, result.errors, false);
    await deps.protocol.accounts.updateClaims(account.id, result.claims);
    return reply.redirect(`${page}?saved=1`, 303);
  });

  app.post(
    `${page}/consents/:clientId/revoke`,
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const account = await requireAccount(request, reply);
      if (!account) return reply;
      const { clientId } = request.params as { clientId: string };
      await deps.protocol.consents.delete(account.id, clientId);
      // Withdrawing consent withdraws the access it granted: the client's tokens for this user stop working.
      await deps.protocol.grants.revokeClientTokens(account.id, clientId, deps.protocol.clock.nowSeconds());
      return reply.redirect(page, 303);
    },
  );
}
