// Authentication Service routes: a thin dispatcher over the authenticator registry (authn/authenticators/), and the assets.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTHENTICATOR_TYPES } from '../../authn/authenticators/index.ts';
import { passwordlessOf } from '../../authn/authenticators/passkey/index.ts';
import type { FirstFactorType, PageSpec, Values } from '../../authn/authenticators/types.ts';
import { PATHS } from '../../config/endpoints.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import { sourceAsset } from '../../shared/paths.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { preferredLanguages } from '../languages.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { safeReturnPath, upstreamPrompt } from '../request.ts';
import { setSessionCookie } from '../session-cookie.ts';
import { stepLabel } from '../step-labels.ts';
import { providerButtons, renderUpstreamFailure } from '../upstream-pages.ts';
import { challengeHandle } from './authn-passkey.ts';
import { awaitVerification } from './email-verification.ts';
import { forgotPasswordUrl } from './password-reset.ts';

const STYLESHEET = readFileSync(sourceAsset('http', 'static', 'style.css'));

type Form = Record<string, string | string[] | undefined>;
const field = (form: Form, name: string): string => {
  const value = form[name];
  return typeof value === 'string' ? value : '';
};
/** The page's declared fields as strings (a repeated or missing field reads as empty). */
const fieldsOf = (page: PageSpec, form: Form): Values =>
  Object.fromEntries(page.fields.map((f) => [f.name, field(form, f.name)]));
/** What the page shows again: every declared field that is not a secret, empty unless given. */
const shown = (page: PageSpec, values: Values): Values =>
  Object.fromEntries(page.fields.filter((f) => !f.secret).map((f) => [f.name, values[f.name] ?? '']));

/** On a policy's first step: the policy (kept through the form) and its other alternatives as links. */
function firstStepChoices(deps: AppDeps, policyId: unknown, current: string, returnTo: string) {
  const policy = typeof policyId === 'string' ? deps.authn.config().policies.get(policyId) : undefined;
  if (!policy || policy.implicit) return { policy: '', alternatives: [], providers: [] };
  const base = `${deps.endpoints.prefix}${PATHS.authn}/continue`;
  // A passwordless passkey in the same step is offered on this page itself (autofill and a button).
  const authenticators = deps.authn.config().authenticators;
  const passkeyId = (policy.steps[0] ?? []).find((id) => {
    const a = authenticators.get(id);
    return id !== current && a !== undefined && passwordlessOf(a);
  });
  const passkey = passkeyId && {
    action: `${deps.endpoints.prefix}${PATHS.authn}/authenticate/passkey/${encodeURIComponent(passkeyId)}`,
  };
  // Other OpenID Providers in the same step: a "Sign in with <name>" button each, straight to that provider.
  const others = (policy.steps[0] ?? []).filter((id) => id !== current);
  const providers = providerButtons(deps, others, returnTo, policy.id);
  const alternatives = (policy.steps[0] ?? [])
    .filter((id) => id !== current && id !== passkeyId && authenticators.get(id)?.type !== 'oidc')
    .map((id) => ({
      label: stepLabel(authenticators.get(id) ?? { type: 'html-form', id }),
      url: `${base}?${new URLSearchParams({ policy: policy.id, return_to: returnTo, use: id, fresh: '1' })}`,
    }));
  return { policy: policy.id, alternatives, providers, ...(passkey ? { passkey } : {}) };
}

export function authnRoutes(app: FastifyInstance, deps: AppDeps): void {
  for (const type of AUTHENTICATOR_TYPES) if (type.role !== 'second') authenticatorRoutes(app, deps, type);
  const assets = deps.endpoints.prefix + ASSETS_PATH;
  app.get(`${assets}/style.css`, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
}

/** The browser's WebAuthn challenge handle, for the authenticators that answer one (passkeys). */
const withChallenge = (request: FastifyRequest) => {
  const handle = challengeHandle(request);
  return handle ? { challenge: handle } : {};
};

function authenticatorRoutes(app: FastifyInstance, deps: AppDeps, type: FirstFactorType): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const loginRoute = `${prefix}${PATHS.authn}/authenticate/${type.type}/:id`;
  const registerRoute = `${prefix}${PATHS.authn}/register/${type.type}/:id`;
  const pathOf = (route: string, id: string) => route.replace(':id', encodeURIComponent(id));
  const withReturn = (path: string, returnTo: string) =>
    returnTo === '' ? path : `${path}?return_to=${encodeURIComponent(returnTo)}`;
  const safeReturn = (value: unknown) => safeReturnPath(value, prefix);

  /** The configured authenticator the path names, if it is of this type; otherwise a 404 page is sent. */
  const authenticator = (request: FastifyRequest, reply: FastifyReply): AuthenticatorConfig | undefined => {
    const { id } = request.params as { id: string };
    const found = deps.authn.config().authenticators.get(id);
    if (found?.type === type.type) return found;
    renderMessage(
      reply,
      assets,
      { title: 'Not found', heading: 'Not found', message: 'There is no such authenticator.', isError: true },
      404,
    );
    return undefined;
  };

  const redirect = type.redirect;
  if (redirect) {
    // A login that happens elsewhere (another OpenID Provider): the login GET sends the browser there, bound to
    // it by a short-lived cookie that rides the provider's redirect back (SameSite=Lax); there is no login POST.
    app.get(loginRoute, async (request, reply) => {
      const a = authenticator(request, reply);
      if (!a) return reply;
      const query = request.query as Form;
      const input = {
        returnTo: safeReturn(query['return_to']),
        policy: field(query, 'policy').slice(0, 100),
        redirectUri: redirect.callbackUri(deps.endpoints.base, a.id),
        loginHint: field(query, 'login_hint'),
        prompt: upstreamPrompt(query['prompt']),
      };
      const outcome = await redirect.start(a, input, { log: request.log }, deps.authn);
      if (outcome.kind === 'failed') return renderUpstreamFailure(reply, deps, a, outcome);
      reply.setCookie(redirect.cookie, outcome.handle, {
        path: `${prefix}${PATHS.authn}`,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        maxAge: redirect.cookieLifetime,
      });
      return reply.redirect(outcome.location, 303);
    });
    return;
  }

  const closed = (reply: FastifyReply) =>
    renderMessage(
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

  const page = (
    reply: FastifyReply,
    spec: PageSpec,
    a: AuthenticatorConfig,
    returnTo: string,
    shows: { values?: Values; error?: string; errors?: Record<string, string>; policy?: unknown },
    status = 200,
  ) =>
    renderPage(
      reply,
      spec.view,
      {
        title: spec.title,
        assets,
        action: pathOf(spec === type.pages.login ? loginRoute : registerRoute, a.id),
        csrf: reply.generateCsrf(),
        returnTo,
        values: shown(spec, shows.values ?? {}),
        error: shows.error,
        errors: shows.errors ?? {},
        registerUrl:
          type.pages.register && type.registrationOpen(a)
            ? withReturn(pathOf(registerRoute, a.id), returnTo)
            : undefined,
        loginUrl: withReturn(pathOf(loginRoute, a.id), returnTo),
        // The link that verifies it goes there: registration asks for the address where logins need it verified.
        emailRequired: a.type === 'html-form' && a.require_verified_email === true,
        forgotUrl: spec === type.pages.login ? forgotPasswordUrl(deps, a, returnTo) : undefined,
        ...firstStepChoices(deps, shows.policy, a.id, returnTo),
      },
      status,
    );

  /** Logged in: set the SSO cookie and continue the authorization request, or say so. */
  const loggedIn = (reply: FastifyReply, token: string, returnTo: string) => {
    setSessionCookie(reply, deps, token);
    if (returnTo !== '') return reply.redirect(returnTo, 303);
    return renderMessage(reply, assets, {
      title: 'Logged in',
      heading: 'You are logged in',
      message: 'You can close this page.',
    });
  };

  app.get(loginRoute, (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    const query = request.query as Form;
    const values = type.prefill(Object.fromEntries(Object.keys(query).map((k) => [k, field(query, k)])));
    return page(reply, type.pages.login, a, safeReturn(query['return_to']), {
      values,
      policy: query['policy'],
    });
  });

  app.post(loginRoute, { preHandler: app.csrfProtection }, async (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    const form = (request.body ?? {}) as Form;
    const returnTo = safeReturn(form['return_to']);
    const attempt = {
      authenticator: a,
      address: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
      languages: preferredLanguages(request, returnTo),
      log: request.log,
      ...withChallenge(request),
    };
    const outcome = await type.login(fieldsOf(type.pages.login, form), attempt, deps.authn);
    const policy = form['policy'];
    switch (outcome.kind) {
      case 'ok':
        return loggedIn(reply, outcome.token, returnTo);
      case 'verify-email':
        return awaitVerification(reply, deps, outcome, a.id, returnTo);
      case 'throttled':
        reply.header('retry-after', String(outcome.retryAfter));
        return page(reply, type.pages.login, a, returnTo, { ...outcome, policy }, 429);
      case 'rejected':
        return page(reply, type.pages.login, a, returnTo, { ...outcome, policy }, 401);
    }
  });

  const registration = type.pages.register;
  const register = type.register;
  if (!registration || !register) return;

  app.get(registerRoute, (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    if (!type.registrationOpen(a)) return closed(reply);
    return page(reply, registration, a, safeReturn((request.query as Form)['return_to']), {});
  });

  app.post(registerRoute, { preHandler: app.csrfProtection }, async (request, reply) => {
    const a = authenticator(request, reply);
    if (!a) return reply;
    if (!type.registrationOpen(a)) return closed(reply);
    const form = (request.body ?? {}) as Form;
    const returnTo = safeReturn(form['return_to']);
    const attempt = {
      authenticator: a,
      address: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
      languages: preferredLanguages(request, returnTo),
      log: request.log,
    };
    const outcome = await register(fieldsOf(registration, form), attempt, deps.authn);
    if (outcome.kind === 'invalid') return page(reply, registration, a, returnTo, outcome, 400);
    if (outcome.kind === 'verify-email') return awaitVerification(reply, deps, outcome, a.id, returnTo);
    return loggedIn(reply, outcome.token, returnTo);
  });
}
