// The account page's security actions: TOTP (enrol, remove, new recovery codes), the password, ending
// sessions. Each is a CSRF-checked POST for the signed-in session; the rules live in authn/account/.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { lastFactorMessage } from '../../authn/account/factors.ts';
import { LAST_SIGN_IN_MESSAGE, unlinkSignIn } from '../../authn/account/identities.ts';
import {
  finishAccountPasskey,
  removeAccountPasskey,
  renameAccountPasskey,
  startAccountPasskey,
} from '../../authn/account/passkeys.ts';
import { changePassword } from '../../authn/account/password.ts';
import { isFresh, REAUTH_MESSAGES, type Reauth, reauthenticate } from '../../authn/account/reauth.ts';
import { endAccountSession } from '../../authn/account/sessions.ts';
import {
  confirmAccountTotp,
  newAccountRecoveryCodes,
  removeAccountTotp,
  startAccountTotp,
} from '../../authn/account/totp.ts';
import { MAX_RESPONSE } from '../../authn/passkey/ceremonies.ts';
import type { Account, Session } from '../../store/ports/index.ts';
import type { SecurityOptions } from '../account-security-view.ts';
import type { AppDeps } from '../context.ts';
import { renderPage } from '../pages.ts';
import { challengeHandle, setChallengeCookie } from './authn-passkey.ts';

type Signed = { account: Account; session: Session };
type Form = Record<string, unknown>;

export interface AccountPage {
  page: string;
  assets: string;
  requireSignedIn(request: FastifyRequest, reply: FastifyReply): Promise<Signed | undefined>;
  loginAgainUrl(session: Session): string;
  renderAccount(
    reply: FastifyReply,
    signed: Signed,
    security: SecurityOptions & { status?: number },
  ): Promise<FastifyReply>;
}

/** A form field as text, cut to a length no real input reaches (argon2 bounds the password itself). */
const field = (form: Form, name: string, max = 300) =>
  typeof form[name] === 'string' ? (form[name] as string).slice(0, max) : '';

const REAUTH_STATUS: Record<Exclude<Reauth, 'ok'>, number> = { needed: 401, wrong: 401, throttled: 429 };

export function accountSecurityRoutes(app: FastifyInstance, deps: AppDeps, account: AccountPage): void {
  const { page, assets, requireSignedIn, renderAccount } = account;
  const csrf = { preHandler: app.csrfProtection };
  const refuse = (reply: FastifyReply, signed: Signed, text: string, status: number) =>
    renderAccount(reply, signed, { message: { text, isError: true }, status });

  /**
   * The signed-in session, re-authenticated when its last factor is older than the window (reauth.ts); a refusal
   * is shown on the account page unless the caller shows it on its own page.
   */
  const sensitive = async (
    request: FastifyRequest,
    reply: FastifyReply,
    refused: (signed: Signed, text: string, status: number) => Promise<unknown> = (signed, text, status) =>
      refuse(reply, signed, text, status),
  ) => {
    const signed = await requireSignedIn(request, reply);
    if (!signed) return undefined;
    const form = (request.body ?? {}) as Form;
    const proof = await reauthenticate(
      signed.account,
      signed.session,
      field(form, 'current_password'),
      request.ip,
      deps.authn,
    );
    if (proof === 'ok') return { ...signed, form };
    await refused(signed, REAUTH_MESSAGES[proof], REAUTH_STATUS[proof]);
    return undefined;
  };

  const recoveryCodes = (reply: FastifyReply, codes: string[], next: string) =>
    renderPage(reply, 'recovery-codes', {
      title: 'Save your recovery codes',
      assets,
      codes,
      continueUrl: next,
    });

  const enrolPage = async (
    reply: FastifyReply,
    signed: Signed,
    error: string | undefined,
    status = 200,
  ): Promise<FastifyReply> => {
    const enrolment = await startAccountTotp(signed.account, deps.authn);
    if (!enrolment) return reply.redirect(page, 303);
    return renderPage(
      reply,
      'account-totp',
      {
        title: 'Set up an authenticator app',
        assets,
        action: `${page}/totp`,
        back: page,
        csrf: reply.generateCsrf(),
        error,
        data: enrolment,
        reauth: !isFresh(signed.session, deps.authn.clock.nowSeconds()),
        loginAgainUrl: account.loginAgainUrl(signed.session),
      },
      status,
    );
  };

  app.get(`${page}/totp`, async (request, reply) => {
    const signed = await requireSignedIn(request, reply);
    if (!signed) return reply;
    return enrolPage(reply, signed, undefined);
  });

  app.post(`${page}/totp`, csrf, async (request, reply) => {
    const signed = await sensitive(request, reply, (s, text, status) => enrolPage(reply, s, text, status));
    if (!signed) return reply;
    const { form } = signed;
    const result = await confirmAccountTotp(
      signed.account,
      signed.session,
      field(form, 'code', 64),
      request.ip,
      deps.authn,
    );
    if (result.kind === 'ok') return recoveryCodes(reply, result.recoveryCodes, `${page}?notice=totp-on`);
    if (result.kind === 'throttled') {
      reply.header('retry-after', String(result.retryAfter));
      return enrolPage(reply, signed, 'Too many failed attempts. Try again later.', 429);
    }
    return enrolPage(
      reply,
      signed,
      'That code is not valid. Check the time on your phone and enter the code the app shows now.',
      400,
    );
  });

  app.post(`${page}/totp/remove`, csrf, async (request, reply) => {
    const signed = await sensitive(request, reply);
    if (!signed) return reply;
    const result = await removeAccountTotp(signed.account, request.ip, deps.authn);
    if (result.kind === 'needed') return refuse(reply, signed, lastFactorMessage(result.policy), 409);
    if (result.kind === 'none') return refuse(reply, signed, 'There is no authenticator app to remove.', 404);
    return reply.redirect(`${page}?notice=totp-removed`, 303);
  });

  app.post(`${page}/totp/recovery-codes`, csrf, async (request, reply) => {
    const signed = await sensitive(request, reply);
    if (!signed) return reply;
    const codes = await newAccountRecoveryCodes(signed.account, request.ip, deps.authn);
    if (!codes) return refuse(reply, signed, 'Set up an authenticator app first.', 404);
    return recoveryCodes(reply, codes, page);
  });

  // The options for the browser's create() call (passkey.js fetches them): JSON, as the login pages' are.
  app.post(`${page}/passkeys/options`, csrf, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const signed = await requireSignedIn(request, reply);
    if (!signed) return reply;
    const started = await startAccountPasskey(signed.account, deps.authn);
    if (!started) return reply.code(404).send({ error: 'Passkeys are not offered here.' });
    setChallengeCookie(reply, deps, started.handle);
    return reply.send({ options: started.options });
  });

  app.post(`${page}/passkeys`, csrf, async (request, reply) => {
    const signed = await sensitive(request, reply);
    if (!signed) return reply;
    const result = await finishAccountPasskey(
      signed.account,
      signed.session,
      {
        response: field(signed.form, 'response', MAX_RESPONSE),
        name: field(signed.form, 'name', 200),
        handle: challengeHandle(request),
        address: request.ip,
      },
      deps.authn,
    );
    if (result.kind !== 'ok') return refuse(reply, signed, result.error, 400);
    return reply.redirect(`${page}?notice=passkey-added`, 303);
  });

  app.post(`${page}/passkeys/:id/rename`, csrf, async (request, reply) => {
    const signed = await requireSignedIn(request, reply);
    if (!signed) return reply;
    const { id } = request.params as { id: string };
    const name = field((request.body ?? {}) as Form, 'name', 200);
    const result = await renameAccountPasskey(signed.account, id, name, deps.authn);
    if (result === 'invalid')
      return refuse(reply, signed, 'Give the passkey a name of up to 64 characters.', 400);
    if (result === 'unknown') return refuse(reply, signed, 'There is no such passkey on your account.', 404);
    return reply.redirect(`${page}?notice=passkey-renamed`, 303);
  });

  app.post(`${page}/passkeys/:id/remove`, csrf, async (request, reply) => {
    const signed = await sensitive(request, reply);
    if (!signed) return reply;
    const { id } = request.params as { id: string };
    const result = await removeAccountPasskey(signed.account, id, request.ip, deps.authn);
    if (result.kind === 'needed') return refuse(reply, signed, lastFactorMessage(result.policy), 409);
    if (result.kind === 'unknown')
      return refuse(reply, signed, 'There is no such passkey on your account.', 404);
    return reply.redirect(`${page}?notice=passkey-removed`, 303);
  });

  app.post(`${page}/sign-ins/:handle/unlink`, csrf, async (request, reply) => {
    const signed = await sensitive(request, reply);
    if (!signed) return reply;
    const { handle } = request.params as { handle: string };
    const result = await unlinkSignIn(signed.account, handle, request.ip, deps.authn);
    if (result === 'last') return refuse(reply, signed, LAST_SIGN_IN_MESSAGE, 409);
    if (result === 'unknown')
      return refuse(reply, signed, 'That sign-in is not linked to your account.', 404);
    return reply.redirect(`${page}?notice=sign-in-unlinked`, 303);
  });

  app.post(`${page}/password`, csrf, async (request, reply) => {
    const signed = await requireSignedIn(request, reply);
    if (!signed) return reply;
    const form = (request.body ?? {}) as Form;
    const result = await changePassword(
      signed.account,
      signed.session,
      {
        current: field(form, 'current_password'),
        next: field(form, 'new_password'),
        confirm: field(form, 'confirm_password'),
      },
      request.ip,
      deps.authn,
    );
    if (result.kind === 'ok') return reply.redirect(`${page}?notice=password-changed`, 303);
    return renderAccount(reply, signed, {
      passwordErrors: result.errors,
      message: { text: 'Your password was not changed. See below.', isError: true },
      status: result.throttled ? 429 : 400,
    });
  });

  app.post(`${page}/sessions/:handle/end`, csrf, async (request, reply) => {
    const signed = await requireSignedIn(request, reply);
    if (!signed) return reply;
    const { handle } = request.params as { handle: string };
    const result = await endAccountSession(signed.account, handle, signed.session, request.ip, deps.authn);
    if (result.kind === 'unknown')
      return refuse(reply, signed, 'That session is not one of yours, or it has already ended.', 404);
    // Ending this very session signs the browser out: the page then asks to log in again.
    return reply.redirect(result.current ? page : `${page}?notice=session-ended`, 303);
  });
}
