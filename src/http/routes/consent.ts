// The consent page: names the client and the scopes it asks for; the answer is remembered or turned into access_denied.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PATHS } from '../../config/endpoints.ts';
import { CONSENT_DENIED_PARAM } from '../../protocol/endpoints/authorize.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { currentSession, safeReturnPath } from '../request.ts';

export function consentRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const path = `${prefix}${PATHS.authn}/consent`;

  /** The authorization request being consented to, read back from the URL it will replay. */
  const pending = (value: unknown) => {
    const returnTo = safeReturnPath(value, prefix);
    if (!returnTo.startsWith(`${prefix}${PATHS.authorize}?`)) return undefined;
    const query = new URLSearchParams(returnTo.slice(returnTo.indexOf('?') + 1));
    const client = deps.protocol.config().clients.get(query.get('client_id') ?? '');
    if (!client) return undefined;
    const scopes = (query.get('scope') ?? '').split(' ').filter((s) => s !== '');
    return { returnTo, client, scopes };
  };

  const invalid = (reply: FastifyReply) =>
    renderMessage(
      reply,
      assets,
      {
        title: 'Error',
        heading: 'Nothing to approve',
        message: 'This consent request is not valid.',
        isError: true,
      },
      400,
    );

  const load = async (request: FastifyRequest, returnTo: unknown) => {
    const request_ = pending(returnTo);
    const session = await currentSession(request, deps);
    return { request: request_, session };
  };

  app.get(path, async (request, reply) => {
    const { request: consent, session } = await load(
      request,
      (request.query as Record<string, unknown>)['return_to'],
    );
    if (!consent) return invalid(reply);
    // Not logged in (any more): the authorization endpoint sends the user to log in first.
    if (!session) return reply.redirect(consent.returnTo, 303);
    const account = await deps.protocol.accounts.findById(session.accountId);
    const config = deps.protocol.config();
    return renderPage(reply, 'consent', {
      title: 'Allow access?',
      assets,
      action: path,
      csrf: reply.generateCsrf(),
      returnTo: consent.returnTo,
      clientName: consent.client.name,
      username: account?.username ?? session.accountId,
      scopes: consent.scopes.map((name) => ({
        name,
        description: config.scopes.get(name)?.description ?? '',
      })),
    });
  });

  app.post(path, { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { request: consent, session } = await load(request, body['return_to']);
    if (!consent) return invalid(reply);
    if (!session) return reply.redirect(consent.returnTo, 303);
    if (body['decision'] !== 'allow') {
      return reply.redirect(`${consent.returnTo}&${CONSENT_DENIED_PARAM}=denied`, 303);
    }
    const earlier = await deps.protocol.consents.find(session.accountId, consent.client.client_id);
    const scopes = new Set([...(earlier?.scope.split(' ').filter((s) => s !== '') ?? []), ...consent.scopes]);
    await deps.protocol.consents.save({
      accountId: session.accountId,
      clientId: consent.client.client_id,
      scope: [...scopes].join(' '),
      createdAt: deps.protocol.clock.nowSeconds(),
    });
    request.log.info({ event: 'consent_given', client_id: consent.client.client_id }, 'consent given');
    return reply.redirect(consent.returnTo, 303);
  });
}
