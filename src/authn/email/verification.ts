// Email verification: a single-use link (only its keyed hash stored, 24 hours) sent to the account's address, and its
// use, which marks email_verified true only while the account still has the address the link went to.
import { sha256 } from '../../shared/crypto.ts';
import type { Account } from '../../store/ports/index.ts';
import type { AuthnDeps } from '../deps.ts';
import { isEmailAddress } from './address.ts';
import { issueEmailLink } from './links.ts';

export const VERIFY_LINK_LIFETIME = 24 * 3600;
/** Messages per account, and per address asking, within the window: enough for a lost message, not for a flood. */
export const SENDS_PER_ACCOUNT = 5;
export const SENDS_PER_ADDRESS = 20;
export const SEND_WINDOW = 3600;

type Deps = Pick<
  AuthnDeps,
  | 'accounts'
  | 'emailTokens'
  | 'emailLinkHash'
  | 'emailLinkUrl'
  | 'mail'
  | 'throttle'
  | 'clock'
  | 'random'
  | 'audit'
>;

/** Who asked, as the route saw it: their address (throttle, audit) and preferred languages (the message). */
export interface Asker {
  address: string;
  languages?: readonly string[] | undefined;
}

export type SendOutcome =
  /** A new link is on its way; older unused links of the account no longer work. */
  | { kind: 'sent'; email: string }
  /** `auto` only: a link went out within the last hour, so none is sent now (the earlier one still works). */
  | { kind: 'recent'; email: string }
  /** Too many messages for this account or from this address; try later. */
  | { kind: 'throttled'; email: string; retryAfter: number }
  /** The mail server refused or did not answer. */
  | { kind: 'failed'; email: string }
  | { kind: 'no-email' }
  | { kind: 'already-verified'; email: string };

export const emailOf = (account: Pick<Account, 'claims'>): string | undefined => {
  const email = account.claims['email'];
  return typeof email === 'string' && email !== '' ? email : undefined;
};

export const emailVerified = (account: Pick<Account, 'claims'>): boolean =>
  emailOf(account) !== undefined && account.claims['email_verified'] === true;

const sendKey = (kind: string, value: string) => sha256(`verify-email\u0000${kind}\u0000${value}`);

/**
 * Sends the account a verification link. `auto` (a login or a registration sending on its own): skipped when a
 * link went out within the window, so a second login does not replace the link the person is about to open.
 */
export async function sendVerification(
  account: Account,
  asker: Asker,
  deps: Deps,
  options: { auto?: boolean } = {},
): Promise<SendOutcome> {
  const email = emailOf(account);
  if (email === undefined) return { kind: 'no-email' };
  if (account.claims['email_verified'] === true) return { kind: 'already-verified', email };
  const now = deps.clock.nowSeconds();
  const perAccount = sendKey('account', account.id);
  const perAddress = sendKey('address', asker.address);
  const [accountWindow, addressWindow] = await Promise.all([
    deps.throttle.failures(perAccount, now),
    deps.throttle.failures(perAddress, now),
  ]);
  if (options.auto && accountWindow !== undefined && accountWindow.count > 0)
    return { kind: 'recent', email };
  for (const [window, limit] of [
    [accountWindow, SENDS_PER_ACCOUNT],
    [addressWindow, SENDS_PER_ADDRESS],
  ] as const)
    if (window && window.count >= limit)
      return { kind: 'throttled', email, retryAfter: Math.max(1, window.expiresAt - now) };
  await deps.throttle.recordFailure(perAccount, now, SEND_WINDOW);
  await deps.throttle.recordFailure(perAddress, now, SEND_WINDOW);

  const link = await issueEmailLink(deps, {
    purpose: 'verify_email',
    accountId: account.id,
    email,
    now,
    lifetime: VERIFY_LINK_LIFETIME,
  });
  const name = account.claims['name'];
  try {
    await deps.mail.send({
      to: email,
      template: 'verify-email',
      languages: [...(asker.languages ?? []), ...localeOf(account)],
      data: {
        link,
        name: typeof name === 'string' && name !== '' ? name : account.username,
        hours: VERIFY_LINK_LIFETIME / 3600,
      },
    });
  } catch {
    // Nobody holds the token of a message that never left: it is ended at once. The sender logged why.
    await deps.emailTokens.revokeForAccount(account.id, 'verify_email');
    return { kind: 'failed', email };
  }
  return { kind: 'sent', email };
}

/**
 * A login waiting for its address (the password proven) may give one when the account has none, or correct a
 * mistyped one: it is stored unverified and a link goes to it. The account's own address is never verified by this.
 */
export async function changeAddressAndSend(
  account: Account,
  email: string,
  asker: Asker,
  deps: Deps,
): Promise<SendOutcome | { kind: 'invalid-address' }> {
  const address = email.trim();
  if (!isEmailAddress(address)) return { kind: 'invalid-address' };
  const claims = { ...account.claims, email: address, email_verified: false };
  if (address !== emailOf(account)) {
    await deps.accounts.updateClaims(account.id, claims);
    await deps.emailTokens.revokeForAccount(account.id, 'verify_email');
  }
  return sendVerification({ ...account, claims }, asker, deps);
}

/** The account's own locale claim (OIDC Core §5.1), after the browser's languages. */
const localeOf = (account: Account): string[] => {
  const locale = account.claims['locale'];
  return typeof locale === 'string' && locale !== '' ? [locale.replace('_', '-')] : [];
};

/** Our tokens are 43 base64url characters; anything else is not one and is never hashed or looked up. */
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** Whether a link's token is live (unused, unexpired): its page shows the button only then. */
export async function verificationLinkLive(
  token: unknown,
  deps: Pick<Deps, 'emailTokens' | 'emailLinkHash' | 'clock'>,
) {
  if (typeof token !== 'string' || !TOKEN.test(token)) return false;
  return (
    (await deps.emailTokens.find(deps.emailLinkHash(token), 'verify_email', deps.clock.nowSeconds())) !==
    undefined
  );
}

export type VerifyOutcome =
  | { kind: 'verified'; account: Account }
  /** Unknown, used, expired, for an address the account no longer has, or for a disabled account: one answer. */
  | { kind: 'invalid' };

/** Uses the link: once, and only for the address it was sent to. */
export async function verifyEmail(
  token: unknown,
  asker: Pick<Asker, 'address'>,
  deps: Deps,
): Promise<VerifyOutcome> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return { kind: 'invalid' };
  const used = await deps.emailTokens.consume(
    deps.emailLinkHash(token),
    'verify_email',
    deps.clock.nowSeconds(),
  );
  if (!used) return { kind: 'invalid' };
  const account = await deps.accounts.findById(used.accountId);
  const current = account && emailOf(account);
  if (
    !account ||
    account.disabled ||
    current === undefined ||
    current.toLowerCase() !== used.email.toLowerCase()
  )
    return { kind: 'invalid' };
  if (account.claims['email_verified'] !== true) {
    const claims = { ...account.claims, email_verified: true };
    await deps.accounts.updateClaims(account.id, claims);
    await deps.audit.record({
      type: 'email.verified',
      accountId: account.id,
      address: asker.address,
      detail: { via: 'link' },
    });
    return { kind: 'verified', account: { ...account, claims } };
  }
  return { kind: 'verified', account };
}
