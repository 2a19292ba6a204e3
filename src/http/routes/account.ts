// The account page: a logged-in user edits their profile, sees and revokes the consents they gave, and
// manages their security (second factors, password, sessions: routes/account-security.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consentsOf, signedIn, updateProfile } from '../../authn/account.ts';
import { withdrawConsent } from '../../authn/consent.ts';
import {
  emailOf,
  emailVerified,
  type SendOutcome,
  sendVerification,
} from '../../authn/email/verification.ts';
import { PROFILE_FIELDS, profileValue } from '../../authn/profile.ts';
import { PATHS } from '../../config/endpoints.ts';
import type { Account, Session } from '../../store/ports/index.ts';
import { NOTICES, type SecurityOptions, securityView } from '../account-security-view.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { preferredLanguages } from '../languages.ts';
import { renderPage } from '../pages.ts';
import { sessionToken } from '../request.ts';
import { accountSecurityRoutes } from './account-security.ts';

/** What the email section says after a redirect, by the `email` query value: a fixed list. */
const EMAIL_NOTICES: Readonly<Record<string, { text: string; isError: boolean }>> = {
  sent: { text: 'We sent a link to your email address. Open it to confirm the address.', isError: false },
  throttled: { text: 'We have sent several links already. Wait a while, then ask again.', isError: true },
  failed: { text: 'We could not send the email just now. Try again in a few minutes.', isError: true },
  verified: { text: 'Your email address is verified.', isError: false },
};

/** The email section's notice for what became of a link. */
const emailNotice = (sent: SendOutcome | undefined): string | undefined => {
  if (sent === undefined || sent.kind === 'no-email') return undefined;
  if (sent.kind === 'already-verified') return 'verified';
  return sent.kind === 'recent' ? 'sent' : sent.kind;
};

export function accountRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { prefix } = deps.endpoints;
  const assets = prefix + ASSETS_PATH;
  const page = `${prefix}${PATHS.authn}/account`;

  /** The logged-in account and its session, or a redirect to the login page that comes back here. */
  const requireSignedIn = async (request: FastifyRequest, reply: FastifyReply) => {
    const signed = await signedIn(sessionToken(request), deps.authn);
    if (signed) return signed;
    const first = deps.authn.config().authenticators.values().next().value;
    const login = first ? `${first.type}/${first.id}` : 'html-form/username-password';
    reply.redirect(
      `${prefix}${PATHS.authn}/authenticate/${login}?return_to=${encodeURIComponent(page)}`,
      303,
    );
    return undefined;
  };
  const asker = (request: FastifyRequest) => ({
    address: request.ip,
    languages: preferredLanguages(request),
  });
  const requireAccount = async (request: FastifyRequest, reply: FastifyReply) =>
    (await requireSignedIn(request, reply))?.account;

  /** A fresh login with the session's first factor, coming back here (re-authentication without a password). */
  const loginAgainUrl = (session: Session) =>
    `${prefix}${PATHS.authn}/continue?${new URLSearchParams({
      policy: `@${session.factors[0]?.authenticator ?? session.authenticator}`,
      fresh: '1',
      // Signed in at another provider: it is asked for a new login too, not its own session's word.
      prompt: 'login',
      return_to: page,
    })}`;

  const render = async (
    reply: FastifyReply,
    signed: { account: Account; session: Session },
    form: Record<string, string> | undefined,
    errors: Record<string, string>,
    saved: boolean,
    security: SecurityOptions & { status?: number; email?: string | undefined } = {},
  ) => {
    const { account, session } = signed;
    const address = emailOf(account);
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
        security: await securityView(account, session, page, loginAgainUrl(session), deps.authn, security),
        email:
          address === undefined
            ? undefined
            : {
                address,
                verified: emailVerified(account),
                action: `${page}/email/verify`,
                notice:
                  security.email !== undefined && Object.hasOwn(EMAIL_NOTICES, security.email)
                    ? EMAIL_NOTICES[security.email]
                    : undefined,
              },
      },
      security.status ?? (Object.keys(errors).length > 0 ? 400 : 200),
    );
  };

  app.get(page, async (request, reply) => {
    const signed = await requireSignedIn(request, reply);
    if (!signed) return reply;
    const q = request.query as Record<string, unknown>;
    const notice =
      typeof q['notice'] === 'string' && Object.hasOwn(NOTICES, q['notice'])
        ? NOTICES[q['notice']]
        : undefined;
    return render(reply, signed, undefined, {}, q['saved'] === '1', {
      message: notice === undefined ? undefined : { text: notice, isError: false },
      email: typeof q['email'] === 'string' ? q['email'] : undefined,
    });
  });

  app.post(`${page}/profile`, { preHandler: app.csrfProtection }, async (request, reply) => {
    const signed = await requireSignedIn(request, reply);
    if (!signed) return reply;
    const { account } = signed;
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const form: Record<string, string> = {};
    for (const f of PROFILE_FIELDS)
      form[f.name] = typeof raw[f.name] === 'string' ? (raw[f.name] as string) : '';
    const result = await updateProfile(account, form, deps.authn, asker(request));
    if (!result.ok) return render(reply, signed, form, result.errors, false);
    const notice = emailNotice(result.verification);
    return reply.redirect(`${page}?saved=1${notice ? `&email=${notice}` : ''}`, 303);
  });

  // A link to the account's own address, asked for from the page (a new address gets one when it is saved).
  app.post(`${page}/email/verify`, { preHandler: app.csrfProtection }, async (request, reply) => {
    const account = await requireAccount(request, reply);
    if (!account) return reply;
    const notice = emailNotice(await sendVerification(account, asker(request), deps.authn));
    return reply.redirect(notice ? `${page}?email=${notice}#email-section` : page, 303);
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

  accountSecurityRoutes(app, deps, {
    page,
    assets,
    requireSignedIn,
    loginAgainUrl,
    renderAccount: (reply, signed, security) => render(reply, signed, undefined, {}, false, security),
  });
}
