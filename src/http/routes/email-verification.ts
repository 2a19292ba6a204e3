// Email verification pages: "Check your email" while a login waits for it (send again, continue), and the emailed
// link's page: GET shows a button, POST uses the link (mail scanners that fetch links never use one up).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signedIn } from '../../authn/account.ts';
import { pendingAccount, pendingLogin, resumeLogin } from '../../authn/authenticators/html-form/pending.ts';
import type { VerifyEmailOutcome } from '../../authn/authenticators/types.ts';
import { maskEmail } from '../../authn/email/address.ts';
import {
  changeAddressAndSend,
  emailOf,
  type SendOutcome,
  sendVerification,
  VERIFY_LINK_LIFETIME,
  verificationLinkLive,
  verifyEmail,
} from '../../authn/email/verification.ts';
import { PATHS } from '../../config/endpoints.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { preferredLanguages } from '../languages.ts';
import { renderPage } from '../pages.ts';
import {
  clearPendingCookie,
  type PendingState,
  readPendingCookie,
  setPendingCookie,
} from '../pending-login.ts';
import { sessionToken } from '../request.ts';
import { setSessionCookie } from '../session-cookie.ts';

/** What the "Check your email" page says after an action, by a fixed key: the query cannot write on the page. */
const NOTICES = {
  sent: { text: 'We sent a new link. Links sent before it no longer work.', isError: false },
  throttled: {
    text: 'We have sent several links already. Wait a while, then ask again, or use the newest message.',
    isError: true,
  },
  failed: { text: 'We could not send the email just now. Try again in a few minutes.', isError: true },
  'not-yet': {
    text: 'Your email address is not verified yet. Open the link in the message we sent, then press Continue.',
    isError: true,
  },
} as const;
type NoticeKey = keyof typeof NOTICES;

/** The notice a send leads to on the page; none for the first, automatic one. */
const sendNotice = (sent: SendOutcome, asked: boolean): NoticeKey | undefined => {
  if (sent.kind === 'throttled') return 'throttled';
  if (sent.kind === 'failed') return 'failed';
  return asked && sent.kind === 'sent' ? 'sent' : undefined;
};

export function emailVerificationPaths(deps: AppDeps) {
  const base = `${deps.endpoints.prefix}${PATHS.authn}`;
  return {
    link: `${base}/verify-email`,
    check: `${base}/check-email`,
    resend: `${base}/check-email/resend`,
    resume: `${base}/check-email/continue`,
    address: `${base}/check-email/address`,
    account: `${base}/account`,
    login: (authenticator: string, returnTo: string) =>
      `${base}/authenticate/html-form/${encodeURIComponent(authenticator)}${returnTo === '' ? '' : `?${new URLSearchParams({ return_to: returnTo })}`}`,
  };
}

/**
 * After a login or registration that waits for the address: the browser keeps the pending login (signed cookie)
 * and is sent to "Check your email" (a redirect, so reloading the page never posts the password again).
 */
export async function awaitVerification(
  reply: FastifyReply,
  deps: AppDeps,
  outcome: VerifyEmailOutcome,
  authenticator: string,
  returnTo: string,
): Promise<FastifyReply> {
  const paths = emailVerificationPaths(deps);
  const account = await deps.authn.accounts.findById(outcome.accountId);
  if (!account) return reply.redirect(paths.login(authenticator, returnTo), 303);
  setPendingCookie(reply, deps, { ...pendingLogin(account, authenticator, outcome.authTime), returnTo });
  const notice = sendNotice(outcome.sent, false);
  return reply.redirect(notice ? `${paths.check}?notice=${notice}` : paths.check, 303);
}

export function emailVerificationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const assets = deps.endpoints.prefix + ASSETS_PATH;
  const paths = emailVerificationPaths(deps);
  const hours = VERIFY_LINK_LIFETIME / 3600;

  const attemptOf = (request: FastifyRequest, returnTo = '') => ({
    address: request.ip,
    userAgent: request.headers['user-agent'] ?? '',
    languages: preferredLanguages(request, returnTo),
    log: request.log,
  });

  /** The login a browser's cookie holds, with its account, while it still stands. */
  const pendingOf = async (request: FastifyRequest) => {
    const pending = readPendingCookie(request, deps);
    const account = pending && (await pendingAccount(pending, deps.authn));
    return pending && account ? { pending, account } : undefined;
  };

  /** Logged in at last: the SSO cookie, the pending one gone, and on to where the login was going. */
  const finish = (reply: FastifyReply, token: string, returnTo: string) => {
    setSessionCookie(reply, deps, token);
    clearPendingCookie(reply, deps);
    return reply.redirect(returnTo === '' ? paths.account : returnTo, 303);
  };

  const expired = (reply: FastifyReply) =>
    renderPage(
      reply,
      'email-link-expired',
      { title: 'Link expired', assets, hours, accountUrl: paths.account },
      410,
    );

  app.get(paths.check, async (request, reply) => {
    const found = await pendingOf(request);
    const pending = readPendingCookie(request, deps);
    if (!found) {
      // The hour ran out (or the cookie is not ours): log in again, which sends a link if none is on its way.
      clearPendingCookie(reply, deps);
      return reply.redirect(
        pending ? paths.login(pending.authenticator, pending.returnTo) : paths.account,
        303,
      );
    }
    const q = request.query as Record<string, unknown>;
    const key =
      typeof q['notice'] === 'string' && Object.hasOwn(NOTICES, q['notice']) ? q['notice'] : undefined;
    return checkPage(reply, found, { notice: key as NoticeKey | undefined });
  });

  const checkPage = (
    reply: FastifyReply,
    found: NonNullable<Awaited<ReturnType<typeof pendingOf>>>,
    shows: { notice?: NoticeKey | undefined; address?: string; addressError?: string },
    status = 200,
  ) => {
    const email = emailOf(found.account);
    return renderPage(
      reply,
      'check-email',
      {
        title: 'Check your email',
        assets,
        csrf: reply.generateCsrf(),
        email: email === undefined ? undefined : maskEmail(email),
        hours,
        notice: shows.notice === undefined ? undefined : NOTICES[shows.notice],
        resendAction: paths.resend,
        continueAction: paths.resume,
        addressAction: paths.address,
        address: shows.address ?? '',
        addressError: shows.addressError,
        otherAccountUrl: paths.login(found.pending.authenticator, found.pending.returnTo),
      },
      status,
    );
  };

  // No address, or a mistyped one: the person (who proved the password) gives the address the link goes to.
  app.post(paths.address, { preHandler: app.csrfProtection }, async (request, reply) => {
    const found = await pendingOf(request);
    if (!found) return reply.redirect(paths.check, 303);
    const raw = ((request.body ?? {}) as Record<string, unknown>)['email'];
    const typed = typeof raw === 'string' ? raw.slice(0, 254) : '';
    const sent = await changeAddressAndSend(
      found.account,
      typed,
      attemptOf(request, found.pending.returnTo),
      deps.authn,
    );
    if (sent.kind === 'invalid-address')
      return checkPage(
        reply,
        found,
        { address: typed, addressError: 'Enter an email address such as name@example.com.' },
        400,
      );
    const notice = sendNotice(sent, true);
    return reply.redirect(notice ? `${paths.check}?notice=${notice}` : paths.check, 303);
  });

  /** Finishes the pending login if the address is verified by now; otherwise back to the page, saying so. */
  const resume = async (request: FastifyRequest, reply: FastifyReply, pending: PendingState) => {
    const outcome = await resumeLogin(pending, attemptOf(request), deps.authn);
    if (outcome.kind === 'ok') return finish(reply, outcome.token, pending.returnTo);
    if (outcome.kind === 'expired') return reply.redirect(paths.check, 303);
    return reply.redirect(`${paths.check}?notice=not-yet`, 303);
  };

  app.post(paths.resend, { preHandler: app.csrfProtection }, async (request, reply) => {
    const found = await pendingOf(request);
    if (!found) return reply.redirect(paths.check, 303);
    const sent = await sendVerification(
      found.account,
      attemptOf(request, found.pending.returnTo),
      deps.authn,
    );
    // Verified in the meantime (another browser): nothing to send, the login can finish.
    if (sent.kind === 'already-verified') return resume(request, reply, found.pending);
    const notice = sendNotice(sent, true);
    return reply.redirect(notice ? `${paths.check}?notice=${notice}` : paths.check, 303);
  });

  app.post(paths.resume, { preHandler: app.csrfProtection }, async (request, reply) => {
    const pending = readPendingCookie(request, deps);
    if (!pending) return reply.redirect(paths.check, 303);
    return resume(request, reply, pending);
  });

  // The emailed link: a page with one button, so that opening the link alone (a scanner, a preview) uses nothing.
  app.get(paths.link, async (request, reply) => {
    const token = (request.query as Record<string, unknown>)['token'];
    if (!(await verificationLinkLive(token, deps.authn))) return expired(reply);
    return renderPage(reply, 'verify-email', {
      title: 'Verify your email address',
      assets,
      csrf: reply.generateCsrf(),
      action: paths.link,
      token,
    });
  });

  app.post(paths.link, { preHandler: app.csrfProtection }, async (request, reply) => {
    const token = ((request.body ?? {}) as Record<string, unknown>)['token'];
    const outcome = await verifyEmail(token, { address: request.ip }, deps.authn);
    if (outcome.kind === 'invalid') return expired(reply);
    const { account } = outcome;
    // The same browser that proved the password: the login it started finishes now, and carries on.
    const pending = readPendingCookie(request, deps);
    if (pending?.accountId === account.id) {
      const resumed = await resumeLogin(pending, attemptOf(request), deps.authn);
      if (resumed.kind === 'ok') return finish(reply, resumed.token, pending.returnTo);
    }
    const signed = await signedIn(sessionToken(request), deps.authn);
    if (signed?.account.id === account.id) return reply.redirect(`${paths.account}?email=verified`, 303);
    return renderPage(reply, 'email-verified', {
      title: 'Email address verified',
      assets,
      email: maskEmail(emailOf(account) ?? ''),
      accountUrl: paths.account,
    });
  });
}
