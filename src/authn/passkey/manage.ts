// Passkey use cases: the ceremonies' start (options and a challenge) and finish (checked, stored, counted),
// and the account page's list, rename and remove. Each start returns the handle for the challenge cookie.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Account, PasskeyCredential } from '../../store/ports/index.ts';
import type { AuthnDeps } from '../deps.ts';
import { passkeyAmr } from './amr.ts';
import {
  authenticationOptions,
  checkAssertion,
  checkRegistration,
  parseResponse,
  registrationOptions,
  type UserVerification,
  userHandleOf,
} from './ceremonies.ts';
import { saveChallenge, takeChallenge } from './challenges.ts';

export type PasskeyDeps = Pick<
  AuthnDeps,
  'passkeys' | 'relyingParty' | 'accounts' | 'clock' | 'random' | 'audit'
>;

/** The messages a person reads: none says which check failed. */
export const PASSKEY_ERRORS = {
  expired: 'This page has expired or was already used. Try again.',
  invalid: 'That passkey could not be checked. Try again, or use another sign-in method.',
  name: 'Give the passkey a name of up to 64 characters.',
} as const;

export type PasskeyFailure = { kind: 'rejected'; error: string; accountId?: string };
export type Started<T> = { options: T; handle: string };

/** A passkey's name as a person typed it: trimmed, no control characters, 1 to 64 characters. */
export function passkeyName(input: string): string | undefined {
  const name = input.trim().replace(/\s+/g, ' ');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return name.length >= 1 && name.length <= 64 && !/[\u0000-\u001f\u007f]/.test(name) ? name : undefined;
}

export function listPasskeys(accountId: string, deps: Pick<AuthnDeps, 'passkeys'>) {
  return deps.passkeys.listByAccount(accountId);
}

export async function renamePasskey(
  accountId: string,
  id: string,
  name: string,
  deps: Pick<AuthnDeps, 'passkeys'>,
): Promise<'renamed' | 'invalid' | 'unknown'> {
  const clean = passkeyName(name);
  if (!clean) return 'invalid';
  return (await deps.passkeys.rename(accountId, id, clean)) ? 'renamed' : 'unknown';
}

/** Removes one of the account's passkeys (factor.removed in the audit log); false when it has no such one. */
export async function removePasskey(
  accountId: string,
  id: string,
  deps: Pick<AuthnDeps, 'passkeys' | 'audit'>,
  context: { address?: string; authenticator?: string } = {},
): Promise<boolean> {
  const found = await deps.passkeys.find(id);
  if (found?.accountId !== accountId || !(await deps.passkeys.remove(accountId, id))) return false;
  await deps.audit.record({
    type: 'factor.removed',
    accountId,
    address: context.address,
    detail: {
      factor: 'passkey',
      name: found.name,
      ...(context.authenticator ? { authenticator: context.authenticator } : {}),
    },
  });
  return true;
}

/** Options to create a passkey for the account, excluding the ones it has. */
export async function startPasskeyEnrolment(
  account: Account,
  userVerification: UserVerification,
  deps: PasskeyDeps,
): Promise<Started<PublicKeyCredentialCreationOptionsJSON>> {
  const existing = await deps.passkeys.listByAccount(account.id);
  const options = await registrationOptions(
    { account, existing, userVerification },
    deps.relyingParty,
    deps.random.token(32),
  );
  const handle = await saveChallenge(
    { challenge: options.challenge, purpose: 'enrol', accountId: account.id },
    deps,
  );
  return { options, handle };
}

/** Checks the new passkey against the challenge and stores it with its name (factor.enrolled in the audit log). */
export async function finishPasskeyEnrolment(
  input: {
    accountId: string;
    response: string;
    name: string;
    handle: string | undefined;
    userVerification: UserVerification;
    address?: string;
    authenticator?: string;
  },
  deps: PasskeyDeps,
): Promise<{ kind: 'ok'; passkey: PasskeyCredential; amr: string[] } | PasskeyFailure> {
  const challenge = await takeChallenge(input.handle, { purpose: 'enrol', accountId: input.accountId }, deps);
  if (!challenge) return { kind: 'rejected', error: PASSKEY_ERRORS.expired };
  const existing = await deps.passkeys.listByAccount(input.accountId);
  const name = input.name.trim() === '' ? `Passkey ${existing.length + 1}` : passkeyName(input.name);
  if (!name) return { kind: 'rejected', error: PASSKEY_ERRORS.name };
  const response = parseResponse<RegistrationResponseJSON>(input.response);
  const checked =
    response &&
    (await checkRegistration(
      response,
      { challenge, userVerification: input.userVerification },
      deps.relyingParty,
    ));
  if (!checked) return { kind: 'rejected', error: PASSKEY_ERRORS.invalid };
  const { userVerified, ...fields } = checked;
  const passkey: PasskeyCredential = {
    ...fields,
    accountId: input.accountId,
    name,
    createdAt: deps.clock.nowSeconds(),
    lastUsedAt: null,
  };
  // A credential ID is registered once, to one account (WebAuthn L3 §7.1 step 26).
  if (!(await deps.passkeys.create(passkey))) return { kind: 'rejected', error: PASSKEY_ERRORS.invalid };
  await deps.audit.record({
    type: 'factor.enrolled',
    accountId: input.accountId,
    address: input.address,
    detail: {
      factor: 'passkey',
      name,
      ...(input.authenticator ? { authenticator: input.authenticator } : {}),
    },
  });
  return { kind: 'ok', passkey, amr: passkeyAmr({ backupEligible: passkey.backupEligible, userVerified }) };
}

/** Options for an assertion: `accountId` given, only that account's passkeys (a second factor); else any. */
export async function startPasskeyAssertion(
  accountId: string | null,
  userVerification: UserVerification,
  deps: PasskeyDeps,
): Promise<Started<PublicKeyCredentialRequestOptionsJSON>> {
  const allow = accountId === null ? undefined : await deps.passkeys.listByAccount(accountId);
  const options = await authenticationOptions(
    { ...(allow ? { allow } : {}), userVerification },
    deps.relyingParty,
    deps.random.token(32),
  );
  const purpose = accountId === null ? 'login' : 'step';
  const handle = await saveChallenge({ challenge: options.challenge, purpose, accountId }, deps);
  return { options, handle };
}

/**
 * Checks an assertion: the challenge first (spent whatever follows), then the credential, whose account must
 * be `accountId` when one is given (a second factor) and must match the user handle (a passwordless login).
 */
export async function finishPasskeyAssertion(
  input: {
    accountId: string | null;
    response: string;
    handle: string | undefined;
    userVerification: UserVerification;
  },
  deps: PasskeyDeps,
): Promise<{ kind: 'ok'; account: Account; passkey: PasskeyCredential; amr: string[] } | PasskeyFailure> {
  const purpose = input.accountId === null ? 'login' : 'step';
  const challenge = await takeChallenge(input.handle, { purpose, accountId: input.accountId }, deps);
  if (!challenge) return { kind: 'rejected', error: PASSKEY_ERRORS.expired };
  const invalid = (accountId?: string): PasskeyFailure => ({
    kind: 'rejected',
    error: PASSKEY_ERRORS.invalid,
    ...(accountId ? { accountId } : {}),
  });
  const response = parseResponse<AuthenticationResponseJSON>(input.response);
  const passkey = response && (await deps.passkeys.find(response.id));
  if (!response || !passkey) return invalid(input.accountId ?? undefined);
  if (input.accountId !== null && passkey.accountId !== input.accountId) return invalid(input.accountId);
  // WebAuthn L3 §7.2 step 6: the user handle, when sent, names the credential's owner.
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== userHandleOf(passkey.accountId)) return invalid();
  const account = await deps.accounts.findById(passkey.accountId);
  if (!account || account.disabled) return invalid(passkey.accountId);
  const checked = await checkAssertion(
    response,
    passkey,
    { challenge, userVerification: input.userVerification },
    deps.relyingParty,
  );
  if (!checked) return invalid(account.id);
  const at = deps.clock.nowSeconds();
  const recorded = await deps.passkeys.recordUse(passkey.id, {
    counter: checked.counter,
    backedUp: checked.backedUp,
    at,
  });
  if (recorded !== 'recorded') return invalid(account.id);
  return {
    kind: 'ok',
    account,
    passkey: { ...passkey, counter: checked.counter, backedUp: checked.backedUp, lastUsedAt: at },
    amr: passkeyAmr({ backupEligible: passkey.backupEligible, userVerified: checked.userVerified }),
  };
}
