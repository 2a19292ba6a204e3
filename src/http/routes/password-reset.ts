// Password reset pages: "Forgot password?" (one answer whatever was typed), the link's new-password form, and the end.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_PASSWORD, MIN_PASSWORD } from '../../authn/accounts.ts';
import {
  completeReset,
  type NewPasswordErrors,
  RESET_LINK_MINUTES,
  requestReset,
  resetLinkLive,
} from '../../authn/email/reset.ts';
import { PATHS } from '../../config/endpoints.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { preferredLanguages } from '../languages.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { safeReturnPath } from '../request.ts';

type Form = Record<string, string | string[] | undefined>;
const field = (form: Form | undefined, name: string): string => {
  const value = form?.[name];
  return typeof value === 'string' ? value : '';
};

/** Whether the authenticator offers "Forgot password?": an html-form one, unless password_reset is false. */
export const offersReset = (a: AuthenticatorConfig | undefined): boolean =>
  a?.type === 'html-form' && a.password_reset !== false;

const withReturn = (path: string, returnTo: string) =>
  returnTo === '' ? path : `${path}?return_to=${encodeURIComponent(returnTo)}`;

/** The login page's "Forgot password?" link, keeping the authorization request it continues; undefined when off. */
export function forgotPasswordUrl(
  deps: AppDeps,
  a: AuthenticatorConfig,
  returnTo: string,
): string | undefined {
  if (!offersReset(a)) return undefined;
  return withReturn(
    `${deps.endpoints.prefix}${PATHS.authn}/forgot-password/html-form/${encodeURIComponent(a.id)}`,
    returnTo,
  );
}

/** Never kept by a cache or a proxy, and the token in the URL never sent on as a Referer. */
const privatePage = (reply: FastifyReply) =>
  reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');

export function passwordResetRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const forgotRoute = `${prefix}${PATHS.authn}/forgot-password/html-form/:id`;
  const resetRoute = `${prefix}${PATHS.authn}/reset-password`;
  const safeReturn = (value: unknown) => safeReturnPath(value, prefix);
  const loginUrl = (a: AuthenticatorConfig, returnTo: string) =>
    withReturn(`${prefix}${PATHS.authn}/authenticate/html-form/${encodeURIComponent(a.id)}`, returnTo);
  /** The html-form authenticator a link's pages lead back to: the first that offers password reset. */
  const resetAuthenticator = () =>
    [...deps.authn.config().authenticators.values()].find((a) => offersReset(a));
  /** After the reset: the authorization request it interrupted, else the login page (or the account page). */
  const continueUrl = (returnTo: string) => {
    if (returnTo !== '') return returnTo;
    const a = resetAuthenticator();
    return a ? loginUrl(a, '') : `${prefix}${PATHS.authn}/account`;
  };

  const authenticator = (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = request.params as { id: string };
    const found = deps.authn.config().authenticators.get(id);
    if (found && offersReset(found)) return found;
    privatePage(reply);
    renderMessage(
      reply,
      assets,
      { title: 'Not found', heading: 'Not found', message: 'There is no such page.', isError: true },
      404,
    );
    return undefined;
  };

  const forgotPage = (
    reply: FastifyReply,
    a: AuthenticatorConfig,
    returnTo: string,
    shows: { identifier?: string; error?: string } = {},
    status = 200,
  ) =>
    renderPage(
      privatePage(reply),
      'forgot-password',
      {
        title: 'Reset your password',
        assets,
        action: forgotRoute.replace(':id', encodeURIComponent(a.id)),
        csrf: reply.generateCsrf(),
        returnTo,
        identifier: shows.identifier ?? '',
        error: shows.error,
        loginUrl: loginUrl(a, returnTo),
      },
      status,
    );

  app.get(forgotRoute, (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    return forgotPage(reply, a, safeReturn((request.query as Form)['return_to']));
  });

  app.post(forgotRoute, { preHandler: app.csrfProtection }, async (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    const form = (request.body ?? {}) as Form;
    const returnTo = safeReturn(form['return_to']);
    const identifier = field(form, 'identifier');
    const { outcome, delivery } = await requestReset(
      identifier,
      { address: request.ip, languages: preferredLanguages(request, returnTo), returnTo, log: request.log },
      deps.authn,
    );
    // The message goes out after this answer; delivery settles on its own and never rejects.
    void delivery;
    switch (outcome.kind) {
      case 'invalid':
        return forgotPage(
          reply,
          a,
          returnTo,
          { identifier: identifier.slice(0, 254), error: outcome.error },
          400,
        );
      case 'throttled':
        reply.header('retry-after', String(outcome.retryAfter));
        privatePage(reply);
        return renderMessage(
          reply,
          assets,
          {
            title: 'Try again later',
            heading: 'Too many requests',
            message: 'Too many password reset requests came from your network. Try again later.',
            isError: true,
          },
          429,
        );
      case 'accepted':
        return renderPage(privatePage(reply), 'reset-password-sent', {
          title: 'Check your email',
          assets,
          minutes: RESET_LINK_MINUTES,
          loginUrl: loginUrl(a, returnTo),
        });
    }
  });

  const expired = (reply: FastifyReply, returnTo: string) => {
    const a = resetAuthenticator();
    return renderPage(
      privatePage(reply),
      'reset-password-expired',
      {
        title: 'Link expired',
        assets,
        minutes: RESET_LINK_MINUTES,
        forgotUrl: a && forgotPasswordUrl(deps, a, returnTo),
        loginUrl: continueUrl(returnTo),
      },
      410,
    );
  };

  const resetForm = (
    reply: FastifyReply,
    token: string,
    returnTo: string,
    errors: NewPasswordErrors = {},
    status = 200,
  ) =>
    renderPage(
      privatePage(reply),
      'reset-password',
      {
        title: 'Choose a new password',
        assets,
        action: resetRoute,
        csrf: reply.generateCsrf(),
        token,
        returnTo,
        errors,
        minLength: MIN_PASSWORD,
        maxLength: MAX_PASSWORD,
      },
      status,
    );

  app.get(resetRoute, async (request, reply) => {
    const query = (request.query ?? {}) as Form;
    const token = field(query, 'token');
    const returnTo = safeReturn(query['return_to']);
    if (!(await resetLinkLive(token, deps.authn))) return expired(reply, returnTo);
    return resetForm(reply, token, returnTo);
  });

  app.post(resetRoute, { preHandler: app.csrfProtection }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const token = field(form, 'token');
    const returnTo = safeReturn(form['return_to']);
    const outcome = await completeReset(
      token,
      { password: field(form, 'new_password'), confirm: field(form, 'confirm_password') },
      { address: request.ip, log: request.log },
      deps.authn,
    );
    switch (outcome.kind) {
      case 'expired':
        return expired(reply, returnTo);
      case 'invalid':
        return resetForm(reply, token, returnTo, outcome.errors, 400);
      case 'changed':
        return renderPage(privatePage(reply), 'reset-password-done', {
          title: 'Password changed',
          assets,
          loginUrl: continueUrl(returnTo),
        });
    }
  });
}
