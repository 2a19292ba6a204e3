// The Authentication Service running a policy: the continue route picks the next step for the signed-in
// account (or a first login), and each second-factor type's verify and enrol pages run that step.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTHENTICATOR_TYPES, authenticatorType } from '../../authn/authenticators/index.ts';
import type {
  PageData,
  PageSpec,
  SecondFactorType,
  StepAttempt,
  Values,
} from '../../authn/authenticators/types.ts';
import { findSession } from '../../authn/sessions.ts';
import { PATHS } from '../../config/endpoints.ts';
import { type Policy, satisfaction } from '../../config/policies.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { renderMessage, renderPage } from '../pages.ts';
import { safeReturnPath, sessionToken, upstreamPrompt } from '../request.ts';
import { stepLabel } from '../step-labels.ts';
import { providerButtons } from '../upstream-pages.ts';
import { challengeHandle } from './authn-passkey.ts';

type Query = Record<string, unknown>;
const text = (q: Query, name: string) => (typeof q[name] === 'string' ? (q[name] as string) : '');

export function authnStepRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const base = `${prefix}${PATHS.authn}`;
  const live = () => deps.authn.config();

  const continueUrl = (policy: Policy, returnTo: string, extra: Record<string, string> = {}) =>
    `${base}/continue?${new URLSearchParams({ policy: policy.id, return_to: returnTo, ...extra })}`;
  const stepUrl = (kind: 'step' | 'enrol', a: AuthenticatorConfig, policy: Policy, returnTo: string) =>
    `${base}/${kind}/${a.type}/${encodeURIComponent(a.id)}?${new URLSearchParams({ policy: policy.id, return_to: returnTo })}`;

  const message = (reply: FastifyReply, heading: string, body: string, status: number) =>
    renderMessage(reply, assets, { title: heading, heading, message: body, isError: status >= 400 }, status);

  const done = (reply: FastifyReply, returnTo: string) =>
    returnTo !== ''
      ? reply.redirect(returnTo, 303)
      : message(reply, 'You are logged in', 'You can close this page.', 200);

  /** The policy named by the query: a configured one or a first-factor authenticator's implicit one. */
  const policyOf = (q: Query) => live().policies.get(text(q, 'policy'));

  app.get(`${base}/continue`, async (request, reply) => {
    const q = request.query as Query;
    const policy = policyOf(q);
    if (!policy) return message(reply, 'Not found', 'There is no such sign-in.', 404);
    const returnTo = safeReturnPath(q['return_to'], prefix);
    const use = text(q, 'use');
    const session = await findSession(sessionToken(request), deps.authn);
    const met =
      session && text(q, 'fresh') !== '1'
        ? satisfaction(policy, session.factors)
        : { kind: 'login' as const };
    if (met.kind === 'complete') return done(reply, returnTo);
    if (met.kind === 'login') {
      const first = policy.steps[0]!;
      // Only other providers to choose from: a page with a button for each, since none can stand for the rest.
      const providers = providerButtons(deps, first, returnTo, policy.id);
      if (!first.includes(use) && providers.length > 1 && providers.length === first.length)
        return renderPage(reply, 'sign-in-providers', { title: 'Sign in', assets, providers });
      // Without a choice, a page of this server's own comes first: other providers are buttons on it.
      const own = first.find((id) => live().authenticators.get(id)?.type !== 'oidc') ?? first[0]!;
      const a = live().authenticators.get(first.includes(use) ? use : own);
      if (!a) return message(reply, 'Not available', 'This sign-in is not set up yet.', 404);
      const query = new URLSearchParams({ return_to: returnTo, policy: policy.id });
      const hint = text(q, 'login_hint');
      if (hint !== '') query.set('login_hint', hint);
      const prompt = upstreamPrompt(q['prompt']);
      if (prompt) query.set('prompt', prompt);
      return reply.redirect(`${base}/authenticate/${a.type}/${encodeURIComponent(a.id)}?${query}`, 303);
    }
    // Signed in, a later step missing: that step only, never a new login (step-up).
    const step = (policy.steps[met.step] ?? [])
      .map((id) => live().authenticators.get(id))
      .filter((a): a is AuthenticatorConfig => a !== undefined);
    const seconds = step.flatMap((a) => {
      const type = authenticatorType(a.type);
      return type && type.role !== 'first' ? [{ a, type }] : [];
    });
    const ordered = [...seconds.filter((s) => s.a.id === use), ...seconds.filter((s) => s.a.id !== use)];
    for (const s of ordered)
      if (await s.type.second.enrolled(session!.accountId, s.a, deps.authn))
        return reply.redirect(stepUrl('step', s.a, policy, returnTo), 303);
    const enrollable = ordered.find((s) => s.type.second.startEnrolment !== undefined);
    if (policy.enrol && enrollable)
      return reply.redirect(stepUrl('enrol', enrollable.a, policy, returnTo), 303);
    return message(
      reply,
      'Another step is needed',
      `This sign-in also needs ${step.map(stepLabel).join(' or ')}, and your account has none set up. Ask an administrator for help.`,
      403,
    );
  });

  for (const type of AUTHENTICATOR_TYPES) if (type.role !== 'first') secondFactorRoutes(type);

  function secondFactorRoutes(type: SecondFactorType): void {
    const second = type.second;
    const verifyRoute = `${base}/step/${type.type}/:id`;
    const enrolRoute = `${base}/enrol/${type.type}/:id`;

    /** The step's context: its authenticator, the policy naming it in a later step, the session; or an error page. */
    const context = async (request: FastifyRequest, reply: FastifyReply, q: Query) => {
      const { id } = request.params as { id: string };
      const a = live().authenticators.get(id);
      const policy = policyOf(q);
      const returnTo = safeReturnPath(q['return_to'], prefix);
      if (a?.type !== type.type || !policy || !policy.steps.slice(1).some((s) => s.includes(id))) {
        message(reply, 'Not found', 'There is no such sign-in step.', 404);
        return undefined;
      }
      const session = await findSession(sessionToken(request), deps.authn);
      if (!session) {
        // The session ended (logout, expiry): start the policy again from its first step.
        reply.redirect(continueUrl(policy, returnTo), 303);
        return undefined;
      }
      const handle = challengeHandle(request);
      const attempt: StepAttempt = {
        authenticator: a,
        address: request.ip,
        log: request.log,
        session,
        ...(handle ? { challenge: handle } : {}),
      };
      return { a, policy, returnTo, session, attempt };
    };

    /** Other alternatives of the same step, as "use … instead" links through the continue route. */
    const alternatives = (policy: Policy, a: AuthenticatorConfig, returnTo: string) => {
      const step = policy.steps.find((s, i) => i > 0 && s.includes(a.id)) ?? [];
      return step
        .filter((id) => id !== a.id)
        .flatMap((id) => live().authenticators.get(id) ?? [])
        .map((other) => ({ label: stepLabel(other), url: continueUrl(policy, returnTo, { use: other.id }) }));
    };

    const render = (
      reply: FastifyReply,
      kind: 'verify' | 'enrol',
      ctx: NonNullable<Awaited<ReturnType<typeof context>>>,
      shows: { error?: string | undefined; data?: PageData | undefined },
      status = 200,
    ) => {
      const spec = kind === 'verify' ? second.pages.verify : second.pages.enrol!;
      return renderPage(
        reply,
        spec.view,
        {
          title: spec.title,
          assets,
          action: `${(kind === 'verify' ? verifyRoute : enrolRoute).replace(':id', encodeURIComponent(ctx.a.id))}`,
          csrf: reply.generateCsrf(),
          policy: ctx.policy.id,
          returnTo: ctx.returnTo,
          error: shows.error,
          data: shows.data ?? {},
          alternatives: alternatives(ctx.policy, ctx.a, ctx.returnTo),
        },
        status,
      );
    };

    /** The page's declared fields, each cut to its length (64 unless it says). */
    const fieldsOf = (spec: PageSpec | undefined, form: Query): Values =>
      Object.fromEntries(
        (spec?.fields ?? []).map((f) => [f.name, text(form, f.name).slice(0, f.maxLength ?? 64)]),
      );

    app.get(verifyRoute, async (request, reply) => {
      const ctx = await context(request, reply, request.query as Query);
      if (!ctx) return reply;
      const data = second.verifyData ? await second.verifyData(ctx.attempt, deps.authn) : {};
      return render(reply, 'verify', ctx, { data });
    });

    app.post(verifyRoute, { preHandler: app.csrfProtection }, async (request, reply) => {
      const form = (request.body ?? {}) as Query;
      const ctx = await context(request, reply, form);
      if (!ctx) return reply;
      const outcome = await second.verify(fieldsOf(second.pages.verify, form), ctx.attempt, deps.authn);
      if (outcome.kind === 'ok') return reply.redirect(continueUrl(ctx.policy, ctx.returnTo), 303);
      if (outcome.kind === 'throttled') reply.header('retry-after', String(outcome.retryAfter));
      return render(reply, 'verify', ctx, outcome, outcome.kind === 'throttled' ? 429 : 401);
    });

    const startEnrolment = second.startEnrolment;
    const confirmEnrolment = second.confirmEnrolment;
    if (!second.pages.enrol || !startEnrolment || !confirmEnrolment) return;

    /** Enrolment at login only where the policy allows it and the account has none yet. */
    const enrolContext = async (request: FastifyRequest, reply: FastifyReply, q: Query) => {
      const ctx = await context(request, reply, q);
      if (!ctx) return undefined;
      if (!ctx.policy.enrol) {
        message(reply, 'Not available', 'Ask an administrator to set up this sign-in method for you.', 403);
        return undefined;
      }
      const data = await startEnrolment(ctx.attempt, deps.authn);
      if (data['unavailable']) {
        // Already set up (in another tab, say): carry on with the policy.
        reply.redirect(continueUrl(ctx.policy, ctx.returnTo), 303);
        return undefined;
      }
      return { ...ctx, data };
    };

    app.get(enrolRoute, async (request, reply) => {
      const ctx = await enrolContext(request, reply, request.query as Query);
      if (!ctx) return reply;
      return render(reply, 'enrol', ctx, { data: ctx.data });
    });

    app.post(enrolRoute, { preHandler: app.csrfProtection }, async (request, reply) => {
      const form = (request.body ?? {}) as Query;
      const ctx = await enrolContext(request, reply, form);
      if (!ctx) return reply;
      const outcome = await confirmEnrolment(fieldsOf(second.pages.enrol, form), ctx.attempt, deps.authn);
      // Only TOTP returns recovery codes to show once; other factors carry on with the policy.
      if (outcome.kind === 'ok' && outcome.data?.['recoveryCodes'] === undefined)
        return reply.redirect(continueUrl(ctx.policy, ctx.returnTo), 303);
      if (outcome.kind === 'ok')
        return renderPage(reply, 'recovery-codes', {
          title: 'Save your recovery codes',
          assets,
          codes: (outcome.data?.['recoveryCodes'] as string[] | undefined) ?? [],
          continueUrl: continueUrl(ctx.policy, ctx.returnTo),
        });
      if (outcome.kind === 'throttled') reply.header('retry-after', String(outcome.retryAfter));
      return render(
        reply,
        'enrol',
        ctx,
        { error: outcome.error, data: ctx.data },
        outcome.kind === 'throttled' ? 429 : 400,
      );
    });
  }
}
