// TOTP use cases for an account: enrol (pending until a code confirms it), verify with replay refusal and
// recovery codes, remove, regenerate recovery codes. The login step and the account page both call these.
import type { AuthnDeps } from '../deps.ts';
import { LoginThrottle } from '../throttle.ts';
import { groupedKey, matchStep, newSecret, normaliseCode, otpauthUri, stepAt } from './codes.ts';
import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeHash } from './recovery.ts';

type Deps = Pick<AuthnDeps, 'totp' | 'secretBox' | 'clock' | 'random' | 'throttle'>;

const bytes = (deps: Pick<AuthnDeps, 'random'>, n: number) => Buffer.from(deps.random.token(n), 'base64url');

export interface TotpEnrolment {
  /** The key as text (groups of four), for typing into an app that cannot scan. */
  key: string;
  /** The otpauth:// URI the QR code holds. */
  uri: string;
  /** The QR code as an SVG document made here (no user input in it but the account name, escaped by qrcode). */
  qrSvg: string;
}

/** Starts enrolment, or resumes a pending one with the same key; undefined when the account already has TOTP. */
export async function startTotpEnrolment(
  account: { id: string; username: string },
  issuer: string,
  deps: Deps,
): Promise<TotpEnrolment | undefined> {
  const existing = await deps.totp.find(account.id);
  if (existing?.confirmedAt != null) return undefined;
  let secret: string;
  if (existing) secret = deps.secretBox.open(existing.secretSealed);
  else {
    secret = newSecret(bytes(deps, 20));
    const now = deps.clock.nowSeconds();
    const stored = await deps.totp.startEnrolment({
      accountId: account.id,
      secretSealed: deps.secretBox.seal(secret),
      confirmedAt: null,
      lastStep: 0,
      createdAt: now,
    });
    if (!stored) return undefined;
  }
  const uri = otpauthUri(secret, issuer, account.username);
  const qrSvg = await (await import('qrcode')).default.toString(uri, {
    type: 'svg',
    margin: 1,
    errorCorrectionLevel: 'M',
  });
  return { key: groupedKey(secret), uri, qrSvg };
}

export type TotpResult =
  | { kind: 'ok'; method: 'otp' | 'recovery' }
  | { kind: 'rejected' }
  | { kind: 'throttled'; retryAfter: number };

/** Guesses are counted per account and per address, in the store, as password failures are. */
function throttles(deps: Deps) {
  return {
    account: new LoginThrottle(deps.clock, deps.throttle, 'totp-account', {
      maxFailures: 10,
      windowSeconds: 900,
    }),
    address: new LoginThrottle(deps.clock, deps.throttle, 'totp-address', {
      maxFailures: 30,
      windowSeconds: 900,
    }),
  };
}

async function throttled(accountId: string, address: string, deps: Deps): Promise<number> {
  const t = throttles(deps);
  return Math.max(await t.account.blockedFor(accountId, ''), await t.address.blockedFor('', address));
}

async function failed(accountId: string, address: string, deps: Deps): Promise<{ kind: 'rejected' }> {
  const t = throttles(deps);
  await Promise.all([t.account.fail(accountId, ''), t.address.fail('', address)]);
  return { kind: 'rejected' };
}

/** Confirms a pending enrolment with a code from the app; on success returns ten new recovery codes, shown once. */
export async function confirmTotpEnrolment(
  accountId: string,
  input: string,
  address: string,
  deps: Deps,
): Promise<{ kind: 'ok'; recoveryCodes: string[] } | Exclude<TotpResult, { kind: 'ok' }>> {
  const wait = await throttled(accountId, address, deps);
  if (wait > 0) return { kind: 'throttled', retryAfter: wait };
  const pending = await deps.totp.find(accountId);
  const code = normaliseCode(input);
  if (!pending || pending.confirmedAt !== null || code === undefined) return failed(accountId, address, deps);
  const now = deps.clock.nowSeconds();
  const step = matchStep(deps.secretBox.open(pending.secretSealed), code, now);
  if (step === undefined || !(await deps.totp.confirm(accountId, step, now)))
    return failed(accountId, address, deps);
  const recovery = newRecoveryCodes((n) => bytes(deps, n));
  await deps.totp.replaceRecoveryCodes(accountId, recovery.hashes, now);
  await throttles(deps).account.succeed(accountId, '');
  return { kind: 'ok', recoveryCodes: recovery.codes };
}

/**
 * A code from the app, or a recovery code (spent on use). RFC 6238 §5.2: a step is accepted once, so a code
 * seen (or phished) once is refused again. Every failure looks the same to the caller.
 */
export async function verifyTotp(
  accountId: string,
  input: string,
  address: string,
  deps: Deps,
): Promise<TotpResult> {
  const wait = await throttled(accountId, address, deps);
  if (wait > 0) return { kind: 'throttled', retryAfter: wait };
  const credential = await deps.totp.find(accountId);
  if (!credential || credential.confirmedAt === null) return failed(accountId, address, deps);
  const now = deps.clock.nowSeconds();
  const code = normaliseCode(input);
  let method: 'otp' | 'recovery' | undefined;
  if (code !== undefined) {
    const step = matchStep(deps.secretBox.open(credential.secretSealed), code, now);
    if (step !== undefined && step > credential.lastStep && (await deps.totp.useStep(accountId, step)))
      method = 'otp';
  } else if (normaliseRecoveryCode(input) !== undefined) {
    if (await deps.totp.useRecoveryCode(accountId, recoveryCodeHash(input), now)) method = 'recovery';
  }
  if (method === undefined) return failed(accountId, address, deps);
  await throttles(deps).account.succeed(accountId, '');
  return { kind: 'ok', method };
}

/** Whether the account has a confirmed TOTP credential. */
export async function hasTotp(accountId: string, deps: Pick<AuthnDeps, 'totp'>): Promise<boolean> {
  return (await deps.totp.find(accountId))?.confirmedAt != null;
}

/** Removes the account's TOTP and its recovery codes (the account page checks its policies first). */
export function removeTotp(accountId: string, deps: Pick<AuthnDeps, 'totp'>): Promise<boolean> {
  return deps.totp.remove(accountId);
}

/** New recovery codes replacing the old ones; undefined when the account has no confirmed TOTP. */
export async function regenerateRecoveryCodes(accountId: string, deps: Deps): Promise<string[] | undefined> {
  if (!(await hasTotp(accountId, deps))) return undefined;
  const recovery = newRecoveryCodes((n) => bytes(deps, n));
  await deps.totp.replaceRecoveryCodes(accountId, recovery.hashes, deps.clock.nowSeconds());
  return recovery.codes;
}

export { stepAt };
