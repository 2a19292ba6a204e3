// What the account page's security section shows: second factors, the password form, SSO sessions, in plain words.
import { totpFactor } from '../authn/account/factors.ts';
import { linkedSignIns, upstreamOffered } from '../authn/account/identities.ts';
import { passkeyAuthenticator, passkeyFactors } from '../authn/account/passkeys.ts';
import { isFresh, REAUTH_SECONDS } from '../authn/account/reauth.ts';
import { sessionsOf } from '../authn/account/sessions.ts';
import { totpAuthenticator } from '../authn/account/totp.ts';
import type { AuthnDeps } from '../authn/deps.ts';
import { hasPassword } from '../authn/passwords.ts';
import type { Account, Session } from '../store/ports/index.ts';

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** A moment as a person reads it: "2 Dec 2026, 03:24 UTC". */
export const when = (seconds: number): string => `${DATE.format(new Date(seconds * 1000))} UTC`;

/** A message at the top of the security section: a success notice, or why an action was refused. */
export interface SecurityMessage {
  text: string;
  isError: boolean;
}

/** Notices after a redirect, by the `notice` query value: a fixed list, so the query cannot write on the page. */
export const NOTICES: Readonly<Record<string, string>> = {
  'password-changed': 'Your password was changed. Your other sessions were ended.',
  'totp-on': 'Your authenticator app is set up.',
  'totp-removed': 'Your authenticator app was removed.',
  'session-ended': 'The session was ended.',
  'passkey-added': 'Your passkey was added.',
  'passkey-renamed': 'Your passkey was renamed.',
  'passkey-removed': 'Your passkey was removed.',
  'sign-in-unlinked': 'The sign-in was unlinked from your account.',
};

export interface SecurityOptions {
  message?: SecurityMessage | undefined;
  passwordErrors?: Record<string, string> | undefined;
}

/** The section's data for account.eta; `page` is the account page's path, the forms post below it. */
export async function securityView(
  account: Pick<Account, 'id' | 'passwordHash'>,
  session: Session,
  page: string,
  loginAgainUrl: string,
  deps: AuthnDeps,
  options: SecurityOptions = {},
) {
  const now = deps.clock.nowSeconds();
  const totp = await totpFactor(account.id, deps);
  const sessions = await sessionsOf(account, session, deps);
  const passkeys = await passkeyFactors(account.id, deps);
  const signIns = await linkedSignIns(account, deps);
  return {
    message: options.message,
    reauth: {
      needed: !isFresh(session, now),
      minutes: REAUTH_SECONDS / 60,
      loginAgainUrl,
    },
    totp: {
      available: totpAuthenticator(deps) !== undefined || totp !== undefined,
      enrolled: totp && {
        created: when(totp.createdAt),
        lastUsed: totp.lastUsedAt === null ? 'never' : when(totp.lastUsedAt),
        recoveryCodesLeft: totp.recoveryCodesLeft,
      },
      enrolUrl: `${page}/totp`,
      removeAction: `${page}/totp/remove`,
      regenerateAction: `${page}/totp/recovery-codes`,
    },
    passkeys: {
      available: passkeyAuthenticator(deps) !== undefined,
      list: passkeys.map((p) => ({
        name: p.name,
        created: when(p.createdAt),
        lastUsed: p.lastUsedAt === null ? 'never' : when(p.lastUsedAt),
        synced: p.synced,
        renameAction: `${page}/passkeys/${encodeURIComponent(p.id)}/rename`,
        removeAction: `${page}/passkeys/${encodeURIComponent(p.id)}/remove`,
      })),
      enrolAction: `${page}/passkeys`,
    },
    signIns: {
      shown: signIns.length > 0 || upstreamOffered(deps),
      list: signIns.map((s) => ({
        provider: s.provider,
        created: when(s.createdAt),
        lastUsed: s.lastUsedAt === null ? 'never' : when(s.lastUsedAt),
        unlinkAction: `${page}/sign-ins/${s.handle}/unlink`,
      })),
    },
    password: {
      // An account made through another provider has none until one is set (a reset link, an administrator).
      has: hasPassword(account.passwordHash),
      action: `${page}/password`,
      errors: options.passwordErrors ?? {},
    },
    sessions: sessions.map((s) => ({
      browser: s.browser,
      address: s.address || 'unknown',
      started: when(s.createdAt),
      lastSeen: when(s.lastSeen),
      current: s.current,
      endAction: `${page}/sessions/${s.handle}/end`,
    })),
  };
}
