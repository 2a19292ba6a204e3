// The admin's side of end-user accounts: find them, read one (profile, sessions, second factors, linked sign-ins) and
// act for them. These are account data, not config: each action takes effect at once, audited with the admin as actor.
import { browserName } from '../authn/account/browser-name.ts';
import { enrolledIn, policyNeeding, totpFactor } from '../authn/account/factors.ts';
import { otherWaysIn } from '../authn/account/identities.ts';
import { passkeyAuthenticator } from '../authn/account/passkeys.ts';
import { endOtherSessions } from '../authn/account/sessions.ts';
import type { AuditRecorder } from '../authn/audit.ts';
import type { AuthnDeps, AuthnLog } from '../authn/deps.ts';
import { isEmailAddress, MAX_EMAIL } from '../authn/email/address.ts';
import { RESET_LINK_MINUTES, sendResetLink } from '../authn/email/reset.ts';
import {
  emailOf,
  emailVerified,
  sendVerification,
  VERIFY_LINK_LIFETIME,
} from '../authn/email/verification.ts';
import { listPasskeys, removePasskey } from '../authn/passkey/manage.ts';
import { removeTotp } from '../authn/totp/manage.ts';
import type { Policy } from '../config/policies.ts';
import { sha256 } from '../shared/crypto.ts';
import type { Account, AuditDetail, PasskeyCredential, UpstreamIdentity } from '../store/ports/index.ts';
import { AdminError, invalid, notFound } from './errors.ts';

/** Who acts: the admin's name as the audit log shows it, their address, and the request's logger. */
export interface UserActor {
  name: string;
  address?: string | undefined;
  log?: AuthnLog | undefined;
}

export interface UserSummary {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  email_verified: boolean;
  created_at: number;
  disabled: boolean;
}

export interface UserSession {
  browser: string;
  address: string;
  started_at: number;
  last_seen_at: number;
}

export interface UserFactor {
  /** Names the factor in the remove operation: `totp`, or a hash of the passkey's credential ID (never a secret). */
  id: string;
  kind: 'totp' | 'passkey';
  name: string;
  added_at: number;
  last_used_at: number | null;
  /** TOTP only: the unused recovery codes (how many, never the codes). */
  recovery_codes_left?: number;
}

export interface UserIdentity {
  /** Names the link in the unlink operation: a hash, so the provider's identifiers never shape a URL. */
  id: string;
  /** The provider's name, or its issuer when that authenticator is gone. */
  provider: string;
  issuer: string;
  subject: string;
  linked_at: number;
  last_used_at: number | null;
}

export interface UserDetail extends UserSummary {
  sessions: UserSession[];
  factors: UserFactor[];
  identities: UserIdentity[];
}

/** The policy a removed factor leaves without a second step for this user, as a page or an answer names it. */
export interface NeededBy {
  id: string;
  name: string;
  /** Whether the policy asks for a new factor at the next sign-in (else that sign-in cannot finish). */
  enrol: boolean;
}

export type SendOutcome =
  | { kind: 'sent'; email: string; minutes: number }
  | { kind: 'no-email' }
  | { kind: 'disabled' }
  | { kind: 'already-verified'; email: string }
  | { kind: 'throttled'; email: string }
  | { kind: 'failed'; email: string };

export const SEARCH_PAGE = 50;
const MAX_PAGE = 200;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function userSummary(a: Account): UserSummary {
  return {
    id: a.id,
    username: a.username,
    name: text(a.claims['name']),
    email: emailOf(a) ?? null,
    email_verified: emailVerified(a),
    created_at: a.createdAt,
    disabled: a.disabled,
  };
}

const passkeyId = (p: Pick<PasskeyCredential, 'id'>) => sha256(`admin-passkey\u0000${p.id}`).slice(0, 22);
const identityId = (i: Pick<UpstreamIdentity, 'issuer' | 'subject'>) =>
  sha256(JSON.stringify(['admin-identity', i.issuer, i.subject])).slice(0, 22);
const neededBy = (p: Policy | undefined): NeededBy | null =>
  p ? { id: p.id, name: p.name, enrol: p.enrol } : null;

export function usersAdmin(deps: AuthnDeps) {
  const now = () => deps.clock.nowSeconds();
  /** The recorder for one admin action: their name and address on each event, and what the action adds. */
  const by = (actor: UserActor, detail: AuditDetail = {}): AuditRecorder => ({
    record: (e) =>
      deps.audit.record({
        ...e,
        actor: actor.name,
        address: e.address || actor.address,
        detail: { ...e.detail, ...detail },
      }),
  });
  const account = async (id: string): Promise<Account> => {
    const found = id.length <= 200 ? await deps.accounts.findById(id) : undefined;
    if (!found) throw notFound(`user ${JSON.stringify(id.slice(0, 64))}`);
    return found;
  };
  const log = (actor: UserActor): AuthnLog => actor.log ?? { info: () => {}, warn: () => {} };

  return {
    /** One page of accounts whose username or email contains `query`, by username; `next` is the following page's `after`. */
    async search(input: {
      query?: string | undefined;
      after?: string | undefined;
      limit?: number | undefined;
    }) {
      const query = (input.query ?? '').trim();
      const limit = input.limit ?? SEARCH_PAGE;
      const issues = [];
      if (query.length > MAX_EMAIL)
        issues.push({ path: 'query', message: `use at most ${MAX_EMAIL} characters` });
      if ((input.after ?? '').length > MAX_EMAIL)
        issues.push({ path: 'after', message: `use at most ${MAX_EMAIL} characters` });
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
        issues.push({ path: 'limit', message: `use a whole number from 1 to ${MAX_PAGE}` });
      if (issues.length > 0) throw invalid(issues);
      const after = input.after === undefined || input.after === '' ? undefined : input.after;
      const found = await deps.accounts.search({ text: query, after, limit: limit + 1 });
      const page = found.slice(0, limit);
      return { users: page.map(userSummary), next: found.length > limit ? page.at(-1)!.username : null };
    },

    /** The account a username names (the CLI's way in); not found otherwise. */
    async idOf(username: string): Promise<string> {
      const found = username.length <= 200 ? await deps.accounts.findByUsername(username) : undefined;
      if (!found) throw notFound(`user ${JSON.stringify(username.slice(0, 64))}`);
      return found.id;
    },

    async show(id: string): Promise<UserDetail> {
      const a = await account(id);
      const authenticators = deps.config().authenticators;
      const [sessions, totp, passkeys, identities] = await Promise.all([
        deps.sessions.listByAccount(a.id, now()),
        totpFactor(a.id, deps),
        listPasskeys(a.id, deps),
        deps.upstream.listIdentities(a.id),
      ]);
      const factors: UserFactor[] = [];
      if (totp)
        factors.push({
          id: 'totp',
          kind: 'totp',
          name: totp.name,
          added_at: totp.createdAt,
          last_used_at: totp.lastUsedAt,
          recovery_codes_left: totp.recoveryCodesLeft,
        });
      for (const p of passkeys)
        factors.push({
          id: passkeyId(p),
          kind: 'passkey',
          name: p.name,
          added_at: p.createdAt,
          last_used_at: p.lastUsedAt,
        });
      return {
        ...userSummary(a),
        sessions: sessions.map((s) => ({
          browser: browserName(s.userAgent),
          address: s.address,
          started_at: s.createdAt,
          last_seen_at: s.lastSeen,
        })),
        factors,
        identities: identities.map((i) => {
          const via = authenticators.get(i.authenticator);
          return {
            id: identityId(i),
            provider: via?.type === 'oidc' ? via.name : i.issuer,
            issuer: i.issuer,
            subject: i.subject,
            linked_at: i.createdAt,
            last_used_at: i.lastUsedAt,
          };
        }),
      };
    },

    /**
     * Disabling refuses every later sign-in and ends the user's sessions with the grants made in them (their refresh
     * tokens die; offline_access grants survive, unusable while the account is disabled). Nothing when unchanged.
     */
    async setDisabled(actor: UserActor, id: string, disabled: boolean) {
      const a = await account(id);
      if (a.disabled === disabled) return { changed: false, sessionsEnded: 0 };
      const sessions = disabled ? await deps.sessions.listByAccount(a.id, now()) : [];
      // The store ends the sessions in the same transaction; their grants follow.
      await deps.accounts.setDisabled(a.id, disabled);
      for (const s of sessions) await deps.grants.revokeSessionGrants(s.idHash, now());
      await by(actor).record({
        type: disabled ? 'account.disabled' : 'account.enabled',
        accountId: a.id,
        ...(disabled ? { detail: { sessions_ended: sessions.length } } : {}),
      });
      return { changed: true, sessionsEnded: sessions.length };
    },

    /** Ends every SSO session of the user and the grants made in them, as logout does; returns how many. */
    async endSessions(actor: UserActor, id: string): Promise<number> {
      const a = await account(id);
      const ended = await endOtherSessions(a, { idHash: '' }, deps);
      if (ended > 0)
        await by(actor).record({
          type: 'session.ended',
          accountId: a.id,
          detail: { reason: 'admin', sessions_ended: ended },
        });
      return ended;
    },

    /**
     * Removes a second factor (a lost phone): never refused for the last one a policy needs, as the account page
     * is; `neededBy` names that policy, so the admin is told what the user's next sign-in will ask.
     */
    async removeFactor(actor: UserActor, id: string, factorId: string) {
      const a = await account(id);
      if (factorId === 'totp') {
        if (!(await totpFactor(a.id, deps))) return { kind: 'unknown' } as const;
        const policy = await policyNeeding(
          a.id,
          async (x) => x.type !== 'totp' && (await enrolledIn(a.id, x, deps)),
          deps,
        );
        if (!(await removeTotp(a.id, deps))) return { kind: 'unknown' } as const;
        await by(actor).record({
          type: 'factor.removed',
          accountId: a.id,
          detail: { factor: 'otp', context: 'admin' },
        });
        return {
          kind: 'removed',
          factor: 'totp',
          name: 'Authenticator app',
          neededBy: neededBy(policy),
        } as const;
      }
      const passkeys = await listPasskeys(a.id, deps);
      const target = passkeys.find((p) => passkeyId(p) === factorId);
      if (!target) return { kind: 'unknown' } as const;
      const policy = await policyNeeding(
        a.id,
        async (x) => (x.type === 'passkey' ? passkeys.length > 1 : await enrolledIn(a.id, x, deps)),
        deps,
      );
      const via = passkeyAuthenticator(deps);
      const removed = await removePasskey(
        a.id,
        target.id,
        { passkeys: deps.passkeys, audit: by(actor, { context: 'admin' }) },
        via ? { authenticator: via.id } : {},
      );
      if (!removed) return { kind: 'unknown' } as const;
      return { kind: 'removed', factor: 'passkey', name: target.name, neededBy: neededBy(policy) } as const;
    },

    /** Unlinks a sign-in through another provider; `lastWayIn` when the user has no other way to sign in now. */
    async unlink(actor: UserActor, id: string, identity: string) {
      const a = await account(id);
      const target = (await deps.upstream.listIdentities(a.id)).find((i) => identityId(i) === identity);
      if (!target) return { kind: 'unknown' } as const;
      const others = await otherWaysIn(a, target, deps);
      if (!(await deps.upstream.unlink(a.id, target.issuer, target.subject)))
        return { kind: 'unknown' } as const;
      await by(actor).record({
        type: 'identity.unlinked',
        accountId: a.id,
        detail: { factor: target.authenticator, context: 'admin' },
      });
      const via = deps.config().authenticators.get(target.authenticator);
      return {
        kind: 'unlinked',
        authenticator: target.authenticator,
        provider: via?.type === 'oidc' ? via.name : target.issuer,
        lastWayIn: !others,
      } as const;
    },

    /**
     * Sends a password reset link through the reset use case (authn/email/reset.ts): its single-use 15-minute link
     * and its limit of messages per account an hour, whoever asks. The audit event names the admin.
     */
    async sendPasswordReset(actor: UserActor, id: string): Promise<SendOutcome> {
      const a = await account(id);
      const email = emailOf(a);
      if (email === undefined || !isEmailAddress(email)) return { kind: 'no-email' };
      if (a.disabled) return { kind: 'disabled' };
      const outcome = await sendResetLink(
        a,
        { address: actor.address ?? '', log: log(actor) },
        { ...deps, audit: by(actor, { via: 'admin' }) },
      );
      return outcome === 'sent'
        ? { kind: 'sent', email, minutes: RESET_LINK_MINUTES }
        : { kind: outcome, email };
    },

    /** Sends a verification link through the verification use case (authn/email/verification.ts) and its limits. */
    async sendVerificationEmail(actor: UserActor, id: string): Promise<SendOutcome> {
      const a = await account(id);
      if (emailOf(a) === undefined) return { kind: 'no-email' };
      if (a.disabled) return { kind: 'disabled' };
      const outcome = await sendVerification(a, { address: actor.address ?? '' }, deps);
      if (outcome.kind === 'no-email' || outcome.kind === 'already-verified') return outcome;
      await by(actor).record({
        type: 'email.verification_requested',
        accountId: a.id,
        detail: { sent: outcome.kind === 'sent' },
      });
      if (outcome.kind === 'sent')
        return { kind: 'sent', email: outcome.email, minutes: VERIFY_LINK_LIFETIME / 60 };
      return { kind: outcome.kind === 'failed' ? 'failed' : 'throttled', email: outcome.email };
    },

    /** The admin's word that the address is the user's: email_verified true without a link, on the record. */
    async markEmailVerified(actor: UserActor, id: string) {
      const a = await account(id);
      const email = emailOf(a);
      if (email === undefined) return { kind: 'no-email' } as const;
      if (a.claims['email_verified'] === true) return { kind: 'already-verified', email } as const;
      await deps.accounts.updateClaims(a.id, { ...a.claims, email_verified: true });
      await by(actor).record({ type: 'email.verified', accountId: a.id, detail: { via: 'operator' } });
      return { kind: 'verified', email } as const;
    },
  };
}

export type UsersAdmin = ReturnType<typeof usersAdmin>;

/** An action's refusal as the REST API and the CLI say it (the UI words its own). */
export function sendRefusal(outcome: Exclude<SendOutcome, { kind: 'sent' }>, what: string): AdminError {
  switch (outcome.kind) {
    case 'no-email':
      return new AdminError('refused', `the user has no email address to send ${what} to`);
    case 'disabled':
      return new AdminError('refused', `the user is disabled: enable them before sending ${what}`);
    case 'already-verified':
      return new AdminError('refused', `the user's email address ${outcome.email} is verified already`);
    case 'throttled':
      return new AdminError('throttled', `too many messages within the hour: send ${what} later`);
    case 'failed':
      return new AdminError('mail_failed', `the mail server did not take ${what}: nothing was sent`);
  }
}
