// Password reset by email: a single-use link (only its keyed hash stored, 15 minutes) sent to an account's
// address, the same answer whether or not an account matched, and the new password that ends the account's sessions.
import { sha256 } from '../../shared/crypto.ts';
import type { Account, EmailToken } from '../../store/ports/index.ts';
import { endOtherSessions } from '../account/sessions.ts';
import { MAX_PASSWORD, MIN_PASSWORD } from '../accounts.ts';
import type { AuthnDeps, AuthnLog } from '../deps.ts';
import { hashPassword } from '../passwords.ts';
import { LoginThrottle } from '../throttle.ts';
import { isEmailAddress } from './address.ts';
import { issueEmailLink } from './links.ts';

export const RESET_LINK_MINUTES = 15;
const RESET_LINK_LIFETIME = RESET_LINK_MINUTES * 60;
/** Requests from one address within the window: a person who mistypes a few times, not a scan of names. */
export const REQUESTS_PER_ADDRESS = 10;
/** Messages one account gets within the window, whoever asks: more requests are answered alike and send nothing. */
export const MESSAGES_PER_ACCOUNT = 3;
export const RESET_WINDOW = 3600;
/** Accounts sharing one address that a request by that address reaches. */
const ACCOUNTS_PER_ADDRESS = 5;
/** The longest identifier a field holds: a username is at most 64, an address at most 254 (RFC 5321 §4.5.3.1.3). */
const MAX_IDENTIFIER = 254;

type Deps = Pick<
  AuthnDeps,
  | 'accounts'
  | 'sessions'
  | 'grants'
  | 'emailTokens'
  | 'emailLinkHash'
  | 'emailLinkUrl'
  | 'mail'
  | 'throttle'
  | 'clock'
  | 'random'
  | 'audit'
>;

/** Who asks, as the route saw it. */
export interface ResetAsker {
  address: string;
  /** The browser's languages, best first, for the message. */
  languages?: readonly string[] | undefined;
  /** Where the login goes on once the password is set (a safe return path), carried in the link. */
  returnTo?: string | undefined;
  log: AuthnLog;
}

export type RequestOutcome =
  /** The one answer for every identifier, known or not: "if an account matches, a link is on its way". */
  | { kind: 'accepted' }
  /** The field is empty or longer than any username or address: nothing was looked up. */
  | { kind: 'invalid'; error: string }
  /** Too many requests from this address, whatever they named. */
  | { kind: 'throttled'; retryAfter: number };

const keyOf = (kind: 'address' | 'account', value: string) =>
  sha256(`password-reset\u0000${kind}\u0000${value}`);

const emailOf = (account: Pick<Account, 'claims'>): string | undefined => {
  const email = account.claims['email'];
  return typeof email === 'string' && isEmailAddress(email) ? email : undefined;
};

/**
 * Answers at once and sends later: the lookups below run for every identifier, and what only a matching
 * account costs (a new link, the audit, the message) runs after the answer is sent, in `delivery`, so neither
 * the answer nor its timing says whether an account exists. `delivery` never rejects.
 */
export async function requestReset(
  identifier: string,
  asker: ResetAsker,
  deps: Deps,
): Promise<{ outcome: RequestOutcome; delivery: Promise<void> }> {
  const done = { delivery: Promise.resolve() };
  const wanted = identifier.trim();
  if (wanted === '' || wanted.length > MAX_IDENTIFIER)
    return { outcome: { kind: 'invalid', error: 'Enter your username or email address.' }, ...done };
  const now = deps.clock.nowSeconds();
  const perAddress = keyOf('address', asker.address);
  const window = await deps.throttle.failures(perAddress, now);
  if (window && window.count >= REQUESTS_PER_ADDRESS) {
    asker.log.warn({ event: 'password_reset_throttled' }, 'password reset refused: too many requests');
    return { outcome: { kind: 'throttled', retryAfter: Math.max(1, window.expiresAt - now) }, ...done };
  }
  await deps.throttle.recordFailure(perAddress, now, RESET_WINDOW);
  // Both lookups, always: a username may look like an address, and the work must not depend on which matched.
  const [byName, byEmail] = await Promise.all([
    deps.accounts.findByUsername(wanted),
    deps.accounts.findByEmail(wanted, ACCOUNTS_PER_ADDRESS),
  ]);
  const targets = (byName ? [byName] : byEmail).filter((a) => !a.disabled && emailOf(a) !== undefined);
  const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    for (const account of targets) await sendResetLink(account, asker, deps);
  });
  return { outcome: { kind: 'accepted' }, delivery };
}

/** What became of one account's link: queued, held back by the account's hourly limit, or refused by the mail server. */
export type LinkOutcome = 'sent' | 'throttled' | 'failed';

/**
 * One account's link: the older ones end, the new one is stored, the message queued. Never throws. Also what an
 * admin's "Send password reset link" runs (admin/users.ts), for an enabled account that has an address.
 */
export async function sendResetLink(account: Account, asker: ResetAsker, deps: Deps): Promise<LinkOutcome> {
  const email = emailOf(account);
  if (email === undefined) return 'failed';
  try {
    const now = deps.clock.nowSeconds();
    const perAccount = keyOf('account', account.id);
    const window = await deps.throttle.failures(perAccount, now);
    const throttled = window !== undefined && window.count >= MESSAGES_PER_ACCOUNT;
    await deps.audit.record({
      type: 'password.reset_requested',
      accountId: account.id,
      address: asker.address,
      detail: { sent: !throttled },
    });
    if (throttled) {
      asker.log.info(
        { event: 'password_reset_suppressed' },
        'password reset: no message, too many for the account',
      );
      return 'throttled';
    }
    await deps.throttle.recordFailure(perAccount, now, RESET_WINDOW);
    const link = await issueEmailLink(deps, {
      purpose: 'reset_password',
      accountId: account.id,
      email,
      now,
      lifetime: RESET_LINK_LIFETIME,
    });
    const name = account.claims['name'];
    await deps.mail.send({
      to: email,
      template: 'reset-password',
      languages: [...(asker.languages ?? []), ...localeOf(account)],
      data: {
        link: asker.returnTo ? `${link}&return_to=${encodeURIComponent(asker.returnTo)}` : link,
        name: typeof name === 'string' && name !== '' ? name : account.username,
        username: account.username,
        minutes: RESET_LINK_MINUTES,
      },
    });
    return 'sent';
  } catch {
    // The sender logged the transport's reason; this line names neither the address nor the link.
    asker.log.warn({ event: 'password_reset_mail_failed' }, 'password reset: the message was not sent');
    return 'failed';
  }
}

/** The account's own locale claim (OIDC Core §5.1), after the browser's languages. */
const localeOf = (account: Account): string[] => {
  const locale = account.claims['locale'];
  return typeof locale === 'string' && locale !== '' ? [locale.replace('_', '-')] : [];
};

/** Our tokens are 43 base64url characters; anything else is not one and is never hashed or looked up. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const liveLink = async (token: unknown, deps: Pick<Deps, 'emailTokens' | 'emailLinkHash' | 'clock'>) =>
  typeof token === 'string' && TOKEN.test(token)
    ? deps.emailTokens.find(deps.emailLinkHash(token), 'reset_password', deps.clock.nowSeconds())
    : undefined;

/**
 * The account a link may still reset: enabled, and still holding the address the link went to (A-Z without
 * case, as the lookup matched it), so a link sent before the address changed resets nothing.
 */
async function linkedAccount(
  link: EmailToken | undefined,
  deps: Pick<Deps, 'accounts'>,
): Promise<Account | undefined> {
  const account = link && (await deps.accounts.findById(link.accountId));
  const email = account && emailOf(account);
  return account && !account.disabled && email !== undefined && foldAscii(email) === foldAscii(link.email)
    ? account
    : undefined;
}

const foldAscii = (value: string) => value.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Whether the link is live (unused, unexpired, its account enabled and at that address): the form shows only then. */
export async function resetLinkLive(
  token: unknown,
  deps: Pick<Deps, 'emailTokens' | 'emailLinkHash' | 'clock' | 'accounts'>,
): Promise<boolean> {
  return (await linkedAccount(await liveLink(token, deps), deps)) !== undefined;
}

export interface NewPassword {
  password: string;
  confirm: string;
}

export type NewPasswordErrors = Partial<Record<'new_password' | 'confirm_password', string>>;

export type CompleteOutcome =
  | { kind: 'changed'; sessionsEnded: number }
  /** Unknown, used, expired, or its account disabled or at another address since: one answer, "ask again". */
  | { kind: 'expired' }
  /** The link is still live (not used up): the form comes back with what to fix. */
  | { kind: 'invalid'; errors: NewPasswordErrors };

/** The same rules as registration and the account page's password change. */
export function checkNewPassword(form: NewPassword): NewPasswordErrors {
  if (form.password.length < MIN_PASSWORD)
    return { new_password: `Use at least ${MIN_PASSWORD} characters.` };
  if (form.password.length > MAX_PASSWORD) return { new_password: `Use at most ${MAX_PASSWORD} characters.` };
  if (form.confirm !== form.password) return { confirm_password: 'The two passwords are not the same.' };
  return {};
}

/**
 * Uses the link once and sets the password. Every SSO session of the account ends, and with them the grants
 * made in them (their refresh tokens die; offline_access grants were made unbound and keep working, as at
 * logout): whoever knew the old password is signed out everywhere. The account's login throttle for this
 * address is cleared, so its owner is not locked out by someone else's guesses.
 */
export async function completeReset(
  token: unknown,
  form: NewPassword,
  asker: Pick<ResetAsker, 'address' | 'log'>,
  deps: Deps,
): Promise<CompleteOutcome> {
  if (!(await linkedAccount(await liveLink(token, deps), deps))) return { kind: 'expired' };
  const errors = checkNewPassword(form);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const passwordHash = await hashPassword(form.password);
  // One conditional update: of two submissions at once, one sets the password and the other finds the link used.
  const used = await deps.emailTokens.consume(
    deps.emailLinkHash(token as string),
    'reset_password',
    deps.clock.nowSeconds(),
  );
  const account = await linkedAccount(used, deps);
  if (!account) return { kind: 'expired' };
  await deps.accounts.setPasswordHash(account.id, passwordHash);
  // The link reached the account's own address (linkedAccount checked it still is): that address is proven.
  if (account.claims['email_verified'] !== true)
    await deps.accounts.updateClaims(account.id, { ...account.claims, email_verified: true });
  const sessionsEnded = await endOtherSessions(account, { idHash: '' }, deps);
  await deps.emailTokens.revokeForAccount(account.id, 'reset_password');
  await new LoginThrottle(deps.clock, deps.throttle, 'login').succeed(account.username, asker.address);
  asker.log.info({ event: 'password_reset' }, 'password reset by email link');
  await deps.audit.record({
    type: 'password.reset',
    accountId: account.id,
    address: asker.address,
    detail: { sessions_ended: sessionsEnded },
  });
  return { kind: 'changed', sessionsEnded };
}
