// Authentication Service routes: the html-form login and registration pages, and their assets.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkCredentials, type FieldErrors, registerAccount } from '../../authn/accounts.ts';
import { startSession } from '../../authn/sessions.ts';
import { LoginThrottle } from '../../authn/throttle.ts';
import { PATHS } from '../../config/endpoints.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import { acrFor } from '../../protocol/endpoints/discovery.ts';
import { sourceAsset } from '../../shared/paths.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { safeReturnPath } from '../request.ts';
import { setSessionCookie } from '../session-cookie.ts';

const STYLESHEET = readFileSync(sourceAsset('http', 'static', 'style.css'));

type Form = Record<string, string | string[] | undefined>;
const field = (form: Form, name: string): string => {
  const value = form[name];
  return typeof value === 'string' ? value : '';
};

export function authnRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const loginPath = (id: string) =>
    `${prefix}${PATHS.authn}/authenticate/html-form/${encodeURIComponent(id)}`;
  const registerPath = (id: string) => `${prefix}${PATHS.authn}/register/html-form/${encodeURIComponent(id)}`;
  const withReturn = (path: string, returnTo: string) =>
    returnTo === '' ? path : `${path}?return_to=${encodeURIComponent(returnTo)}`;

  const safeReturn = (value: unknown) => safeReturnPath(value, prefix);
  const throttle = new LoginThrottle(deps.protocol.clock, deps.throttle, 'login');

  const authenticator = (request: FastifyRequest, reply: FastifyReply): AuthenticatorConfig | undefined => {
    const { id } = request.params as { id: string };
    const found = deps.protocol.config().authenticators.get(id);
    if (!found) {
      renderMessage(
        reply,
        assets,
        {
          title: 'Not found',
          heading: 'Not found',
          message: 'There is no such authenticator.',
          isError: true,
        },
        404,
      );
    }
    return found;
  };

  const loginPage = (
    reply: FastifyReply,
    a: AuthenticatorConfig,
    returnTo: string,
    extra: { error?: string; username?: string } = {},
    status = 200,
  ) =>
    renderPage(
      reply,
      'login',
      {
        title: 'Log in',
        assets,
        action: loginPath(a.id),
        csrf: reply.generateCsrf(),
        returnTo,
        username: extra.username ?? '',
        error: extra.error,
        registerUrl: a.registration ? withReturn(registerPath(a.id), returnTo) : undefined,
      },
      status,
    );

  const registerPage = (
    reply: FastifyReply,
    a: AuthenticatorConfig,
    returnTo: string,
    values: Form,
    errors: FieldErrors & { _form?: string } = {},
    status = 200,
  ) =>
    renderPage(
      reply,
      'register',
      {
        title: 'Create account',
        assets,
        action: registerPath(a.id),
        csrf: reply.generateCsrf(),
        returnTo,
        values: {
          username: field(values, 'username'),
          name: field(values, 'name'),
          email: field(values, 'email'),
        },
        errors,
        loginUrl: withReturn(loginPath(a.id), returnTo),
      },
      status,
    );

  /** Logged in: set the SSO cookie and continue the authorization request, or say so. */
  const finishLogin = async (
    reply: FastifyReply,
    a: AuthenticatorConfig,
    accountId: string,
    returnTo: string,
  ) => {
    const token = await startSession(
      { accountId, authenticator: a.id, acr: acrFor(a.id), lifetime: deps.sessionLifetime },
      deps.protocol,
    );
    setSessionCookie(reply, deps, token);
    if (returnTo !== '') return reply.redirect(returnTo, 303);
    return renderMessage(reply, assets, {
      title: 'Logged in',
      heading: 'You are logged in',
      message: 'You can close this page.',
    });
  };

  app.get(`${prefix}${PATHS.authn}/authenticate/html-form/:id`, (request, reply) => {
    const a = authenticator(request, reply);
    const query = request.query as Form;
    // OIDC Core §3.1.2.1 login_hint: prefill the username the client suggested.
    if (a)
      return loginPage(reply, a, safeReturn(query['return_to']), {
        username: field(query, 'login_hint').slice(0, 64),
      });
    return reply;
  });

  app.post(
    `${prefix}${PATHS.authn}/authenticate/html-form/:id`,
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const a = authenticator(request, reply);
      if (!a) return reply;
      const form = (request.body ?? {}) as Form;
      const returnTo = safeReturn(form['return_to']);
      const username = field(form, 'username').trim();
      const wait = await throttle.blockedFor(username, request.ip);
      if (wait > 0) {
        request.log.warn({ event: 'login_throttled', authenticator: a.id }, 'login throttled');
        reply.header('retry-after', String(wait));
        return loginPage(
          reply,
          a,
          returnTo,
          { error: 'Too many failed attempts. Try again later.', username },
          429,
        );
      }
      const account = await checkCredentials(username, field(form, 'password'), deps.protocol.accounts);
      if (!account) {
        await throttle.fail(username, request.ip);
        request.log.info({ event: 'login_failed', authenticator: a.id }, 'login failed');
        deps.metrics.logins.inc({ result: 'failure' });
        // One message for an unknown user and a wrong password: no account enumeration.
        return loginPage(reply, a, returnTo, { error: 'Incorrect username or password.', username }, 401);
      }
      await throttle.succeed(username, request.ip);
      request.log.info({ event: 'login_succeeded', authenticator: a.id }, 'login succeeded');
      deps.metrics.logins.inc({ result: 'success' });
      return finishLogin(reply, a, account.id, returnTo);
    },
  );

  app.get(`${prefix}${PATHS.authn}/register/html-form/:id`, (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    if (!a.registration) {
      return renderMessage(
        reply,
        assets,
        {
          title: 'Not available',
          heading: 'Registration is closed',
          message: 'Ask an administrator for an account.',
          isError: true,
        },
        404,
      );
    }
    return registerPage(reply, a, safeReturn((request.query as Form)['return_to']), {});
  });

  app.post(
    `${prefix}${PATHS.authn}/register/html-form/:id`,
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const a = authenticator(request, reply);
      if (!a) return reply;
      if (!a.registration) {
        return renderMessage(
          reply,
          assets,
          {
            title: 'Not available',
            heading: 'Registration is closed',
            message: 'Ask an administrator for an account.',
            isError: true,
          },
          404,
        );
      }
      const form = (request.body ?? {}) as Form;
      const returnTo = safeReturn(form['return_to']);
      const result = await registerAccount(
        {
          username: field(form, 'username').trim(),
          password: field(form, 'password'),
          name: field(form, 'name').trim(),
          email: field(form, 'email').trim(),
        },
        deps.protocol.accounts,
        deps.protocol.clock,
      );
      if (!result.ok) return registerPage(reply, a, returnTo, form, result.errors, 400);
      request.log.info({ event: 'account_created', authenticator: a.id }, 'account created');
      return finishLogin(reply, a, result.account.id, returnTo);
    },
  );

  app.get(`${assets}/style.css`, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
}
