// Memory UpstreamStore: linked identities and logins in flight in Maps, with the same single-use rules as SQL.
import type { UpstreamIdentity, UpstreamLogin, UpstreamStore } from '../ports/index.ts';
import { clone, type MemoryState } from './state.ts';

export function memoryUpstream(state: MemoryState): UpstreamStore {
  const identities = new Map<string, UpstreamIdentity>();
  const logins = new Map<string, UpstreamLogin>();
  const key = (issuer: string, subject: string) => JSON.stringify([issuer, subject]);
  // ON DELETE CASCADE, as in SQL: a link whose account is gone is no link.
  const live = (i: UpstreamIdentity | undefined) =>
    i !== undefined && state.accounts.has(i.accountId) ? i : undefined;
  const take = (handleHash: string, now: number, pending: boolean) => {
    const found = logins.get(handleHash);
    if (!found || (found.pending !== null) !== pending) return undefined;
    logins.delete(handleHash);
    return found.expiresAt > now ? clone(found) : undefined;
  };
  return {
    async findIdentity(issuer, subject) {
      const found = live(identities.get(key(issuer, subject)));
      return found && clone(found);
    },
    async listIdentities(accountId) {
      return [...identities.values()]
        .filter((i) => i.accountId === accountId && live(i))
        .sort((a, b) => a.createdAt - b.createdAt || a.issuer.localeCompare(b.issuer))
        .map(clone);
    },
    async link(identity) {
      const k = key(identity.issuer, identity.subject);
      if (live(identities.get(k))) return false;
      identities.set(k, clone(identity));
      return true;
    },
    async createLinkedAccount(account, identity) {
      const k = key(identity.issuer, identity.subject);
      if (live(identities.get(k))) return 'identity_taken';
      const taken = [...state.accounts.values()].some(
        (a) => a.username.toLowerCase() === account.username.toLowerCase(),
      );
      if (taken || state.accounts.has(account.id)) return 'username_taken';
      state.accounts.set(account.id, { ...clone(account), disabled: false });
      identities.set(k, clone(identity));
      return 'created';
    },
    async recordUse(issuer, subject, at) {
      const found = identities.get(key(issuer, subject));
      if (found) found.lastUsedAt = at;
    },
    async unlink(accountId, issuer, subject) {
      const k = key(issuer, subject);
      if (identities.get(k)?.accountId !== accountId) return false;
      return identities.delete(k);
    },
    async saveLogin(login, now) {
      for (const [k, l] of logins) if (l.expiresAt <= now) logins.delete(k);
      logins.set(login.handleHash, clone(login));
    },
    async takeLogin(handleHash, now) {
      return take(handleHash, now, false);
    },
    async findPending(handleHash, now) {
      const found = logins.get(handleHash);
      return found?.pending && found.expiresAt > now ? clone(found) : undefined;
    },
    async takePending(handleHash, now) {
      return take(handleHash, now, true);
    },
  };
}
