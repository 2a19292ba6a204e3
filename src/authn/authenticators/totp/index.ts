// The TOTP authenticator (RFC 6238): a second factor. Enrolment shows a QR code and the key, a first code
// confirms it and returns ten recovery codes; later logins ask for a code or a recovery code.
import { acrFor } from '../../../config/acr.ts';
import { totpAuthenticatorSchema } from '../../../config/schema.ts';
import type { AuthnDeps } from '../../deps.ts';
import { addFactor } from '../../sessions.ts';
import { confirmTotpEnrolment, hasTotp, startTotpEnrolment, verifyTotp } from '../../totp/manage.ts';
import type { AuthenticatorType, StepAttempt, StepOutcome } from '../types.ts';

/** One message for every wrong input (format, step, reuse, spent recovery code): nothing to tell them apart. */
export const WRONG_CODE = 'That code is not valid. Enter the current code from your app, or a recovery code.';
const THROTTLED = 'Too many failed attempts. Try again later.';
// RFC 8176 §2: "otp", a one-time password.
const AMR = ['otp'] as const;

const issuerOf = (attempt: StepAttempt) =>
  attempt.authenticator.type === 'totp' ? attempt.authenticator.issuer : 'Tessera';

async function added(
  attempt: StepAttempt,
  deps: AuthnDeps,
  data?: Record<string, unknown>,
): Promise<StepOutcome> {
  // The session may have ended between the check and now (a logout in another tab): then nothing counts.
  const ok = await addFactor(
    attempt.session,
    { authenticator: attempt.authenticator.id, amr: [...AMR] },
    deps,
  );
  return ok
    ? { kind: 'ok', ...(data ? { data } : {}) }
    : { kind: 'rejected', error: 'Your sign-in has ended. Start again.' };
}

export const totp = {
  type: 'totp',
  role: 'second',
  configSchema: totpAuthenticatorSchema,
  acr: acrFor,
  amr: AMR,
  second: {
    pages: {
      verify: { view: 'totp-verify', title: 'Enter your code', fields: [{ name: 'code', secret: true }] },
      enrol: {
        view: 'totp-enrol',
        title: 'Set up an authenticator app',
        fields: [{ name: 'code', secret: true }],
      },
    },
    enrolled: (accountId, _config, deps) => hasTotp(accountId, deps),
    async verify(form, attempt, deps) {
      const { session, address, log, authenticator } = attempt;
      const result = await verifyTotp(session.accountId, form['code'] ?? '', address, deps);
      const factor = { factor: 'otp', authenticator: authenticator.id };
      if (result.kind === 'throttled') {
        log.warn({ event: 'login_throttled', authenticator: authenticator.id }, 'second factor throttled');
        await deps.audit.record({
          type: 'login.throttled',
          accountId: session.accountId,
          address,
          detail: factor,
        });
        return { kind: 'throttled', retryAfter: result.retryAfter, error: THROTTLED };
      }
      if (result.kind === 'rejected') {
        log.info({ event: 'login_failed', authenticator: authenticator.id }, 'second factor failed');
        await deps.audit.record({
          type: 'login.failed',
          accountId: session.accountId,
          address,
          detail: factor,
        });
        return { kind: 'rejected', error: WRONG_CODE };
      }
      if (result.method === 'recovery')
        await deps.audit.record({
          type: 'recovery_code.used',
          accountId: session.accountId,
          address,
          detail: factor,
        });
      await deps.audit.record({
        type: 'login.succeeded',
        accountId: session.accountId,
        address,
        detail: factor,
      });
      log.info({ event: 'login_succeeded', authenticator: authenticator.id }, 'second factor verified');
      return added(attempt, deps);
    },
    async startEnrolment(attempt, deps) {
      const account = await deps.accounts.findById(attempt.session.accountId);
      if (!account) return { unavailable: true };
      const enrolment = await startTotpEnrolment(account, issuerOf(attempt), deps);
      return enrolment ? { ...enrolment } : { unavailable: true };
    },
    async confirmEnrolment(form, attempt, deps) {
      const { session, address, authenticator } = attempt;
      const result = await confirmTotpEnrolment(session.accountId, form['code'] ?? '', address, deps);
      if (result.kind === 'throttled')
        return { kind: 'throttled', retryAfter: result.retryAfter, error: THROTTLED };
      if (result.kind === 'rejected')
        return {
          kind: 'rejected',
          error: 'That code is not valid. Check the time on your phone and enter the code the app shows now.',
        };
      await deps.audit.record({
        type: 'factor.enrolled',
        accountId: session.accountId,
        address,
        detail: { factor: 'otp', authenticator: authenticator.id },
      });
      return added(attempt, deps, { recoveryCodes: result.recoveryCodes });
    },
  },
} as const satisfies AuthenticatorType;
