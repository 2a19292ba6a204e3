// The consent page: names the client and the scopes it asks for; the answer is remembered or turned into access_denied.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { consentPage, decideConsent } from '../../authn/consent.ts';
import { PATHS } from '../../config/endpoints.ts';
import { CONSENT_DENIED_PARAM } from '../../protocol/endpoints/authorize.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { safeReturnPath, sessionToken } from '../request.ts';

export function consentRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const path = `${prefix}${PATHS.authn}/consent`;
  const authorizePath = `${prefix}${PATHS.authorize}`;

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

  app.get(path, async (request, reply) => {
    const returnTo = safeReturnPath((request.query as Record<string, unknown>)['return_to'], prefix);
    const shown = await consentPage(
      { returnTo, authorizePath, sessionToken: sessionToken(request) },
      deps.authn,
    );
    if (shown.kind === 'invalid') return invalid(reply);
    if (shown.kind === 'login') return reply.redirect(shown.returnTo, 303);
    return renderPage(reply, 'consent', {
      title: 'Allow access?',
      assets,
      action: path,
      csrf: reply.generateCsrf(),
      returnTo: shown.returnTo,
      clientName: shown.clientName,
      clientHost: shown.clientHost,
      localhostOnly: shown.localhostOnly,
      username: shown.username,
      scopes: shown.scopes,
    });
  });

  app.post(path, { preHandler: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const decision = await decideConsent(
      {
        returnTo: safeReturnPath(body['return_to'], prefix),
        authorizePath,
        sessionToken: sessionToken(request),
        allow: body['decision'] === 'allow',
        address: request.ip,
      },
      deps.authn,
      request.log,
    );
    if (decision.kind === 'invalid') return invalid(reply);
    // The replayed request carries the refusal; the authorization endpoint turns it into access_denied.
    if (decision.kind === 'denied')
      return reply.redirect(`${decision.returnTo}&${CONSENT_DENIED_PARAM}=denied`, 303);
    return reply.redirect(decision.returnTo, 303);
  });
}
