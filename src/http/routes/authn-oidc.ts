// The way back from another OpenID Provider: its callback, and for an identity not linked yet the page where the
// person creates an account or links one they have. The rules live in authn/authenticators/oidc/.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { finishUpstreamCallback } from '../../authn/authenticators/oidc/callback.ts';
import {
  createLinkedAccount,
  linkExistingAccount,
  pendingLogin,
} from '../../authn/authenticators/oidc/choice.ts';
import { PENDING_LIFETIME, UPSTREAM_COOKIE } from '../../authn/authenticators/oidc/login-state.ts';
import type { FinishOutcome } from '../../authn/authenticators/oidc/outcomes.ts';
import type { OidcAuthenticator } from '../../authn/authenticators/oidc/providers.ts';
import {
  UPSTREAM_CALLBACK_ROUTE,
  upstreamRedirectUri,
} from '../../authn/authenticators/oidc/redirect-uri.ts';
import { PATHS } from '../../config/endpoints.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { setSessionCookie } from '../session-cookie.ts';
import { renderUpstreamFailure, retryUrl } from '../upstream-pages.ts';

type Form = Record<string, unknown>;
const KEEPS_BINDING: ReadonlySet<string> = new Set(['closed', 'state_mismatch']);
const text = (form: Form, name: string, max: number) =>
  typeof form[name] === 'string' ? (form[name] as string).slice(0, max) : '';

export function authnOidcRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const choiceRoute = `${prefix}${PATHS.authn}/authenticate/oidc/:id/continue`;
  const cookiePath = `${prefix}${PATHS.authn}`;
  const choicePath = (a: OidcAuthenticator) => choiceRoute.replace(':id', encodeURIComponent(a.id));

  /** The configured oidc authenticator the path names; otherwise a 404 page is sent. */
  const authenticator = (request: FastifyRequest, reply: FastifyReply): OidcAuthenticator | undefined => {
    const found = deps.authn.config().authenticators.get((request.params as { id: string }).id);
    if (found?.type === 'oidc') return found;
    renderMessage(
      reply,
      assets,
      { title: 'Not found', heading: 'Not found', message: 'There is no such sign-in.', isError: true },
      404,
    );
    return undefined;
  };
  const attemptOf = (request: FastifyRequest) => ({
    address: request.ip,
    userAgent: request.headers['user-agent'] ?? '',
    log: request.log,
  });
  const handleOf = (request: FastifyRequest) => request.cookies[UPSTREAM_COOKIE];
  const bind = (reply: FastifyReply, handle: string, maxAge: number) =>
    reply.setCookie(UPSTREAM_COOKIE, handle, {
      path: cookiePath,
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      maxAge,
    });
  const unbind = (reply: FastifyReply) =>
    reply.clearCookie(UPSTREAM_COOKIE, {
      path: cookiePath,
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
    });

  /** Signed in, or why not: the session cookie and the way on, or the failure page; the binding cookie ends. */
  const finished = (reply: FastifyReply, a: OidcAuthenticator, outcome: FinishOutcome) => {
    if (outcome.kind === 'choose') return reply.redirect(choicePath(a), 303);
    // The browser's binding stays when it still names something: the identity waiting to be linked (a new
    // account asked for where none are made), or its own login (a callback that was not its own).
    if (outcome.kind !== 'failed' || !KEEPS_BINDING.has(outcome.reason)) unbind(reply);
    if (outcome.kind === 'failed') return renderUpstreamFailure(reply, deps, a, outcome);
    setSessionCookie(reply, deps, outcome.token);
    if (outcome.returnTo !== '') return reply.redirect(outcome.returnTo, 303);
    return renderMessage(reply, assets, {
      title: 'Logged in',
      heading: 'You are logged in',
      message: 'You can close this page.',
    });
  };

  app.get(`${prefix}${UPSTREAM_CALLBACK_ROUTE}`, async (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    const handle = handleOf(request);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const outcome = await finishUpstreamCallback(
      a,
      { handle, query, redirectUri: upstreamRedirectUri(deps.endpoints.base, a.id) },
      { authenticator: a, ...attemptOf(request) },
      deps.authn,
    );
    // The identity waits for the person's choice: the same handle, for as long as the pending login lasts.
    if (outcome.kind === 'choose' && handle) bind(reply, handle, PENDING_LIFETIME);
    return finished(reply, a, outcome);
  });

  const choicePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    a: OidcAuthenticator,
    shows: { error?: string; username?: string } = {},
    status = 200,
  ) => {
    const login = await pendingLogin(a, handleOf(request), deps.authn);
    if (!login) {
      unbind(reply);
      return renderUpstreamFailure(reply, deps, a, { reason: 'unknown_login' });
    }
    return renderPage(
      reply,
      'upstream-choice',
      {
        title: `Continue with your ${a.name} account`,
        assets,
        provider: a.name,
        display: login.pending.display,
        csrf: reply.generateCsrf(),
        createAction: a.create_accounts ? `${choicePath(a)}/create` : undefined,
        linkAction: `${choicePath(a)}/link`,
        cancelUrl: retryUrl(deps, a, login.returnTo, login.policy),
        error: shows.error,
        username: shows.username ?? '',
      },
      status,
    );
  };

  app.get(choiceRoute, async (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    return choicePage(request, reply, a);
  });

  app.post(`${choiceRoute}/create`, { preHandler: app.csrfProtection }, async (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    const attempt = { authenticator: a, ...attemptOf(request) };
    return finished(reply, a, await createLinkedAccount(a, handleOf(request), attempt, deps.authn));
  });

  app.post(`${choiceRoute}/link`, { preHandler: app.csrfProtection }, async (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    const form = (request.body ?? {}) as Form;
    const outcome = await linkExistingAccount(
      a,
      handleOf(request),
      { username: text(form, 'username', 65), password: text(form, 'password', 257) },
      { authenticator: a, ...attemptOf(request) },
      deps.authn,
    );
    if (outcome.kind === 'throttled') {
      reply.header('retry-after', String(outcome.retryAfter));
      return choicePage(
        request,
        reply,
        a,
        { error: outcome.error, username: outcome.values['username'] ?? '' },
        429,
      );
    }
    if (outcome.kind === 'rejected')
      return choicePage(
        request,
        reply,
        a,
        { error: outcome.error, username: outcome.values['username'] ?? '' },
        401,
      );
    return finished(reply, a, outcome);
  });
}
