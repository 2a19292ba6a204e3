// The passkey authenticator (WebAuthn): either factor. First, passwordless: a discoverable passkey signs the
// person in and starts the session; second, after a password: one of the account's passkeys adds its factor.
// The browser gets the options from authn-passkey.ts's routes; these members check what it posts back.
import { acrFor } from '../../../config/acr.ts';
import type { AuthenticatorConfig } from '../../../config/schema.ts';
import { passkeyAuthenticatorSchema } from '../../../config/schema-authn.ts';
import type { AuthnDeps } from '../../deps.ts';
import { PASSKEY_AMR } from '../../passkey/amr.ts';
import { MAX_RESPONSE, type UserVerification } from '../../passkey/ceremonies.ts';
import { finishPasskeyAssertion, finishPasskeyEnrolment, type PasskeyFailure } from '../../passkey/manage.ts';
import { addFactor, startSession } from '../../sessions.ts';
import type { Attempt, AuthenticatorType, LoginOutcome, StepAttempt, StepOutcome } from '../types.ts';

const RESPONSE = { name: 'response', secret: true, maxLength: MAX_RESPONSE } as const;

/** The configured user verification (WebAuthn L3 §5.8.6); `required` for anything but a passkey config. */
export const userVerificationOf = (a: AuthenticatorConfig): UserVerification =>
  a.type === 'passkey' ? a.user_verification : 'required';

export const passwordlessOf = (a: AuthenticatorConfig) => a.type === 'passkey' && a.passwordless;

async function failed(failure: PasskeyFailure, attempt: Attempt, deps: AuthnDeps) {
  attempt.log.info({ event: 'login_failed', authenticator: attempt.authenticator.id }, 'passkey refused');
  await deps.audit.record({
    type: 'login.failed',
    accountId: failure.accountId,
    address: attempt.address,
    detail: { factor: 'passkey', authenticator: attempt.authenticator.id },
  });
}

async function succeeded(accountId: string, attempt: Attempt, deps: AuthnDeps) {
  attempt.log.info({ event: 'login_succeeded', authenticator: attempt.authenticator.id }, 'passkey verified');
  await deps.audit.record({
    type: 'login.succeeded',
    accountId,
    address: attempt.address,
    detail: { factor: 'passkey', authenticator: attempt.authenticator.id },
  });
}

const ended: StepOutcome = { kind: 'rejected', error: 'Your sign-in has ended. Start again.' };

export const passkey = {
  type: 'passkey',
  role: 'either',
  configSchema: passkeyAuthenticatorSchema,
  acr: acrFor,
  amr: PASSKEY_AMR,
  pages: { login: { view: 'passkey-login', title: 'Sign in with a passkey', fields: [RESPONSE] } },
  prefill: () => ({}),
  async login(form, attempt, deps): Promise<LoginOutcome> {
    const { authenticator } = attempt;
    if (!passwordlessOf(authenticator))
      return { kind: 'rejected', error: 'Sign in with your password first.', values: {} };
    const result = await finishPasskeyAssertion(
      {
        accountId: null,
        response: form['response'] ?? '',
        handle: attempt.challenge,
        userVerification: userVerificationOf(authenticator),
      },
      deps,
    );
    if (result.kind !== 'ok') {
      await failed(result, attempt, deps);
      deps.countLogin('failure');
      return { kind: 'rejected', error: result.error, values: {} };
    }
    await succeeded(result.account.id, attempt, deps);
    deps.countLogin('success');
    const token = await startSession(
      {
        accountId: result.account.id,
        authenticator: authenticator.id,
        acr: acrFor(authenticator),
        lifetime: deps.sessionLifetime,
        amr: result.amr,
        address: attempt.address,
        userAgent: attempt.userAgent,
      },
      deps,
    );
    return { kind: 'ok', token, accountId: result.account.id };
  },
  registrationOpen: () => false,
  second: {
    pages: {
      verify: { view: 'passkey-verify', title: 'Use your passkey', fields: [RESPONSE] },
      enrol: {
        view: 'passkey-enrol',
        title: 'Create a passkey',
        fields: [RESPONSE, { name: 'name', maxLength: 64 }],
      },
    },
    enrolled: async (accountId, _config, deps) => (await deps.passkeys.listByAccount(accountId)).length > 0,
    async verify(form, attempt: StepAttempt, deps): Promise<StepOutcome> {
      const { session, authenticator } = attempt;
      const result = await finishPasskeyAssertion(
        {
          accountId: session.accountId,
          response: form['response'] ?? '',
          handle: attempt.challenge,
          userVerification: userVerificationOf(authenticator),
        },
        deps,
      );
      if (result.kind !== 'ok') {
        await failed({ ...result, accountId: session.accountId }, attempt, deps);
        return { kind: 'rejected', error: result.error };
      }
      await succeeded(session.accountId, attempt, deps);
      const ok = await addFactor(session, { authenticator: authenticator.id, amr: result.amr }, deps);
      return ok ? { kind: 'ok' } : ended;
    },
    // The options come from the enrol route's options call; the page needs nothing else. With a passkey
    // already (made in another tab), enrolment at login is over.
    async startEnrolment(attempt, deps) {
      const has = (await deps.passkeys.listByAccount(attempt.session.accountId)).length > 0;
      return has ? { unavailable: true } : {};
    },
    async confirmEnrolment(form, attempt, deps): Promise<StepOutcome> {
      const { session, authenticator } = attempt;
      const result = await finishPasskeyEnrolment(
        {
          accountId: session.accountId,
          response: form['response'] ?? '',
          name: form['name'] ?? '',
          handle: attempt.challenge,
          userVerification: userVerificationOf(authenticator),
          address: attempt.address,
          authenticator: authenticator.id,
        },
        deps,
      );
      if (result.kind !== 'ok') return { kind: 'rejected', error: result.error };
      const ok = await addFactor(session, { authenticator: authenticator.id, amr: result.amr }, deps);
      return ok ? { kind: 'ok' } : ended;
    },
  },
} as const satisfies AuthenticatorType;
