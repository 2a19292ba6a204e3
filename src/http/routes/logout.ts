// RP-initiated logout: end the SSO session, then return to the client or say the user is logged out.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { endSession } from '../../authn/sessions.ts';
import { PATHS } from '../../config/endpoints.ts';
import { LOGOUT_PARAMS, logoutEndpoint } from '../../protocol/endpoints/logout.ts';
import type { RawParams } from '../../protocol/params/parse.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { logFailure } from '../errors.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { formBody, sessionToken } from '../request.ts';
import { clearSessionCookie } from '../session-cookie.ts';

export function logoutRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const path = prefix + PATHS.logout;

  const logout = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = (request.method === 'GET' ? request.query : formBody(request)) as RawParams | undefined;
    if (!params) {
      return renderMessage(
        reply,
        assets,
        { title: 'Error', heading: 'Bad request', message: 'Send a form-encoded body.', isError: true },
        400,
      );
    }
    // Our own confirmation form carries a CSRF token; a relying party's request never does.
    const confirmed = params['confirm'] === 'yes';
    if (confirmed) {
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection.call(app, request, reply, (error?: Error) => (error ? reject(error) : resolve())),
      );
    }
    const decision = await logoutEndpoint(params, deps.protocol);
    reply.header('cache-control', 'no-store');
    if (decision.kind === 'error') {
      logFailure(request, decision.error);
      return renderMessage(
        reply,
        assets,
        {
          title: 'Error',
          heading: 'Logout request not valid',
          message: decision.error.description,
          code: decision.error.code,
          isError: true,
        },
        400,
      );
    }
    // Without an id_token_hint the request may come from anyone: ask the user before ending the session.
    if (decision.confirm && !confirmed && sessionToken(request) !== undefined) {
      const hidden = LOGOUT_PARAMS.flatMap((name) =>
        typeof params[name] === 'string' ? [{ name, value: params[name] }] : [],
      );
      return renderPage(reply, 'logout', {
        title: 'Log out?',
        assets,
        action: path,
        csrf: reply.generateCsrf(),
        clientName: decision.clientName,
        hidden,
      });
    }
    // OIDC Core §11: the session's grants without offline_access end with it (authn/sessions.ts).
    await endSession(sessionToken(request), deps.authn, request.ip);
    clearSessionCookie(reply, deps);
    request.log.info({ event: 'logout' }, 'logged out');
    if (decision.redirect) return reply.redirect(decision.redirect, 303);
    return renderMessage(reply, assets, {
      title: 'Logged out',
      heading: 'You are logged out',
      message: 'You can close this page.',
    });
  };
  app.get(path, logout);
  app.post(path, logout);
}
